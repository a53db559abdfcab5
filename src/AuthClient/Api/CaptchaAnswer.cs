namespace Recovery.Client;

/// <summary>What the tools send as StartRecovery's captcha token.</summary>
public static class CaptchaAnswer
{
    /// <summary>The <c>--captcha</c> value that makes the tool solve the server's ALTCHA challenge itself.</summary>
    public const string Altcha = "altcha";

    /// <summary>
    /// <paramref name="captcha"/> as is (a development or provider token), or for <see cref="Altcha"/> the
    /// payload of a fresh challenge from the server, solved here.
    /// </summary>
    public static async Task<string> ResolveAsync(RecoveryClient client, string captcha, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!string.Equals(captcha, Altcha, StringComparison.OrdinalIgnoreCase))
        {
            return captcha;
        }

        var challenge = await client.CreateCaptchaChallengeAsync(cancellationToken).ConfigureAwait(false);
        return AltchaSolver.Solve(challenge, cancellationToken)
            ?? throw new InvalidOperationException("The server's ALTCHA challenge has no solution up to its max_number.");
    }
}

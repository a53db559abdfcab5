namespace Recovery.AuthServer.Common;

/// <summary>
/// Who is calling: the bank channel (web, mobile, call-centre, ivr), authenticated by its token when
/// channel tokens are configured, and the customer's address as that channel reports it. Used for audit,
/// rate limits and idempotency scopes.
/// </summary>
public sealed record CallerContext(string Channel, string ClientAddress)
{
    public static CallerContext Unknown { get; } = new("unknown", "unknown");

    /// <summary>A channel name: 1-32 of lower-case ASCII letters, digits and '-'.</summary>
    public static bool IsValidChannel(string? channel) =>
        channel is { Length: > 0 and <= 32 } && channel.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}

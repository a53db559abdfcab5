namespace Recovery.AuthServer.Captcha;

/// <summary>
/// Remembers accepted captcha tokens (by keyed hash only) until they would expire, shared by every node of
/// the storage provider, so that a token is accepted once however many nodes it is replayed to.
/// </summary>
public interface ICaptchaReplayStore
{
    /// <summary>
    /// In one atomic step: records <paramref name="tokenHash"/> for <paramref name="lifetime"/> and answers
    /// true if it was not recorded already (first use), false if it was (a replay).
    /// </summary>
    Task<bool> TryUseAsync(string tokenHash, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken);
}

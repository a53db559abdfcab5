using System.Text;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Captcha;

/// <summary>Our own single-use rule for captcha tokens, on top of whatever the provider enforces.</summary>
public sealed class CaptchaReplayGuard(ICaptchaReplayStore store, SecretKeys keys, TimeProvider time)
{
    /// <summary>
    /// True the first time <paramref name="token"/> (of kind <paramref name="label"/>) is presented within
    /// <paramref name="lifetime"/>. Why a keyed hash: the store (Redis keys included) must not hold a usable
    /// token, and an unkeyed hash of a token seen in transit would let anyone tell it was used.
    /// </summary>
    public Task<bool> FirstUseAsync(string label, string token, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(KeyedHash.Compute(keys.CodeKey, "captcha:" + label, Encoding.UTF8.GetBytes(token)));
        return store.TryUseAsync(hash, time.GetUtcNow(), lifetime, cancellationToken);
    }
}

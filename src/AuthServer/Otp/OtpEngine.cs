using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Otp;

/// <summary>
/// Issues and verifies one-time codes. A code is stored only as HMAC(key, binding ‖ code), where the
/// binding is a digest of what the code authorises (a recovery, or an operation's id, customer,
/// description and new-password digest). A code therefore verifies only for the thing it was issued
/// for: this is PSD2 dynamic linking, enforced by the hash rather than by a lookup that could be wrong.
/// </summary>
public sealed class OtpEngine(IChallengeStore store, OtpCodeGenerator generator, SecretKeys keys, IRandomSource random, IOptions<OtpOptions> options, TimeProvider time)
{
    private readonly ChallengeLimits limits = ChallengeLimits.From(options.Value);

    public async Task<IssuedCode> IssueAsync(string challengeId, byte[] binding, int digits, bool deliverable, CancellationToken cancellationToken)
    {
        var (code, stored) = Issue(challengeId, binding, digits, deliverable, cancellationToken);
        await stored;
        return code;
    }

    /// <summary>
    /// <see cref="IssueAsync"/> that hands back the code at once with its store write still under way, so that the
    /// caller can send independent writes (the message that carries the code) in the same round trip. Such a caller
    /// awaits <c>Stored</c> before it answers; if the write failed, a message sent beside it carries a code that
    /// verifies nothing, and the caller's answer is the failure.
    /// </summary>
    public (IssuedCode Code, Task Stored) Issue(string challengeId, byte[] binding, int digits, bool deliverable, CancellationToken cancellationToken)
    {
        var (code, challenge) = Prepare(challengeId, binding, digits, deliverable);
        return (code, store.CreateAsync(challenge, cancellationToken));
    }

    /// <summary>
    /// A new code and the challenge that verifies it, not yet stored: for a caller that stores the challenge inside a larger
    /// atomic step (<c>IRecoveryStore.CreateWithCodeAsync</c>, with the recovery it belongs to).
    /// </summary>
    public (IssuedCode Code, Challenge Challenge) Prepare(string challengeId, byte[] binding, int digits, bool deliverable)
    {
        var now = time.GetUtcNow();
        var code = generator.Next(digits);

        // A challenge that will never be delivered (an unknown card) still gets a code and a stored
        // hash, so it costs the same and behaves the same. Its MAC is over a value no code can equal.
        var mac = deliverable ? Mac(binding, code) : DecoyMac(binding);
        var challenge = ChallengeRules.Issue(challengeId, mac, now, limits);
        return (new IssuedCode(code, challenge.ExpiresAt, challenge.ResendAvailableAt, ChallengeRules.ResendsRemaining(challenge, limits)), challenge);
    }

    /// <param name="otherFactorEnrolled">
    /// True when the code could also have been a TOTP code: wrong codes then count toward the
    /// challenge's limit even while the SMS code is burned or expired (see IChallengeStore.VerifyAsync).
    /// </param>
    public Task<VerifyResult> VerifyAsync(string challengeId, byte[] binding, string code, CancellationToken cancellationToken, bool otherFactorEnrolled = false) =>
        store.VerifyAsync(challengeId, Mac(binding, code), time.GetUtcNow(), limits, cancellationToken, otherFactorEnrolled);

    /// <summary>
    /// The MAC a store compares with the challenge's, for a caller that verifies the code inside a larger atomic step
    /// (<see cref="IAuthenticatorStore.ConfirmWithSmsCodeAsync"/>, a recovery's code try <c>IRecoveryStore.TryCodeAsync</c>). It reveals nothing of the code without the key.
    /// </summary>
    public byte[] PresentedMac(byte[] binding, string code) => Mac(binding, code);

    /// <summary>The limits this engine's challenges are verified under.</summary>
    public ChallengeLimits Limits => limits;

    /// <summary>Ends the challenge because another factor (a TOTP code) signed instead of its SMS code.</summary>
    public Task<VerifyResult> AcceptOtherFactorAsync(string challengeId, CancellationToken cancellationToken) =>
        store.AcceptOtherFactorAsync(challengeId, cancellationToken);

    /// <summary>Issues a new code for an existing challenge; returns the clear code only when reissued.</summary>
    public async Task<(ReissueResult Result, IssuedCode? Code)> ReissueAsync(string challengeId, byte[] binding, int digits, bool deliverable, CancellationToken cancellationToken)
    {
        var code = generator.Next(digits);
        var mac = deliverable ? Mac(binding, code) : DecoyMac(binding);
        var result = await store.ReissueAsync(challengeId, mac, time.GetUtcNow(), limits, cancellationToken);
        return (result, Reissued(code, result));
    }

    /// <summary>
    /// A new (deliverable) code and the reissue that stores it, for a store step that reissues within a larger atomic
    /// step (a call-centre card check and the code it pays for); <see cref="Reissued"/> turns that step's answer into the
    /// code to hand out.
    /// </summary>
    /// <param name="deliverable">False for a decoy's challenge: a code is made alike, its MAC over a value no code can equal (as <see cref="Issue"/>).</param>
    public (string Code, ChallengeReissue Reissue) PrepareReissue(byte[] binding, int digits, bool deliverable = true)
    {
        var code = generator.Next(digits);
        return (code, new ChallengeReissue(deliverable ? Mac(binding, code) : DecoyMac(binding), time.GetUtcNow(), limits));
    }

    /// <summary>The code to hand out when <paramref name="result"/> reissued it; null otherwise.</summary>
    public IssuedCode? Reissued(string code, ReissueResult result)
    {
        if (result.Status != ReissueStatus.Reissued || result.Challenge is null)
        {
            return null;
        }

        var c = result.Challenge;
        return new IssuedCode(code, c.ExpiresAt, c.ResendAvailableAt, ChallengeRules.ResendsRemaining(c, limits));
    }

    /// <summary>
    /// What a try at the challenge would answer without evaluating any code: AlreadyUsed, Closed, Burned or
    /// Expired (the last two only when <paramref name="otherFactorEnrolled"/> is false, as in VerifyAsync);
    /// null while a code could still be evaluated. Read only: used while waiting for a try budget.
    /// </summary>
    public async Task<VerifyResult?> SettledAsync(string challengeId, bool otherFactorEnrolled, CancellationToken cancellationToken) =>
        ChallengeRules.Settled(await store.GetAsync(challengeId, cancellationToken), time.GetUtcNow(), otherFactorEnrolled);

    /// <summary>The challenge as stored (its MAC, never a code), or null.</summary>
    public Task<Challenge?> GetAsync(string challengeId, CancellationToken cancellationToken) => store.GetAsync(challengeId, cancellationToken);

    public Task<bool> CloseAsync(string challengeId, CancellationToken cancellationToken) => store.CloseAsync(challengeId, cancellationToken);

    public int ResendsRemaining(Challenge challenge) => ChallengeRules.ResendsRemaining(challenge, limits);

    /// <summary>What a reissue of <paramref name="challenge"/> would refuse with now, or null when it would issue a code (see ChallengeRules.ReissueRefusal).</summary>
    public ReissueResult? ReissueRefusal(Challenge challenge) => ChallengeRules.ReissueRefusal(challenge, time.GetUtcNow(), limits);

    /// <summary>A digest that fixes every field the customer is asked to approve.</summary>
    public static byte[] Binding(params string[] parts)
    {
        // Length-prefixed so that ("ab","c") and ("a","bc") differ. One buffer and a one-shot hash: every StartRecovery
        // and operation computes one, and an incremental hash costs a native context per call.
        ArgumentNullException.ThrowIfNull(parts);
        var total = 0;
        foreach (var part in parts)
        {
            total += 4 + Encoding.UTF8.GetByteCount(part);
        }

        Span<byte> input = total <= 512 ? stackalloc byte[total] : new byte[total];
        var at = 0;
        foreach (var part in parts)
        {
            var written = Encoding.UTF8.GetBytes(part, input[(at + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(input[at..], written);
            at += 4 + written;
        }

        return SHA256.HashData(input);
    }

    // The MAC of a non-digit value: no code the customer can type will ever equal it.
    private byte[] DecoyMac(byte[] binding) => Mac(binding, "decoy:" + Tokens.New(random));

    // binding ‖ 0x00 ‖ code, assembled on the stack (codes are at most a few dozen ASCII characters) so
    // that the only allocation of a verify is the 32-byte MAC handed to the store.
    private byte[] Mac(byte[] binding, string code)
    {
        var length = binding.Length + 1 + Encoding.ASCII.GetByteCount(code);
        Span<byte> input = length <= 256 ? stackalloc byte[length] : new byte[length];
        binding.CopyTo(input);
        input[binding.Length] = 0;
        Encoding.ASCII.GetBytes(code, input[(binding.Length + 1)..]);
        var mac = KeyedHash.Mac(keys.CodeKey, input);
        CryptographicOperations.ZeroMemory(input);
        return mac;
    }
}

namespace Recovery.AuthServer.Otp;

/// <summary>
/// A customer's authenticator app (TOTP), pending until a code from it is proven, then confirmed.
/// The shared secret is kept only encrypted (see Otp.AuthenticatorSecretProtector).
/// </summary>
public sealed record Authenticator
{
    /// <summary>Random id of this enrolment; part of the encryption's associated data.</summary>
    public required string Id { get; init; }

    public required string CustomerId { get; init; }

    /// <summary>AES-GCM ciphertext of the shared secret, bound to <see cref="Id"/> and <see cref="CustomerId"/>.</summary>
    public required byte[] ProtectedSecret { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>A pending enrolment lapses at this time; a confirmed one does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Wrong codes presented to confirm a pending enrolment.</summary>
    public int Failures { get; init; }

    /// <summary>The last TOTP time step accepted; a code of this or an earlier step is a replay.</summary>
    public long LastUsedStep { get; init; } = -1;
}

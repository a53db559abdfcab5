namespace Recovery.AuthServer.Passwords;

/// <summary>
/// What <see cref="IPasswordHasher.HashNewAsync"/> made of a new password: either its PHC string, ready to store,
/// or the finding that it is one of the customer's earlier passwords (and no hash to store).
/// </summary>
public sealed class NewPasswordHash
{
    private NewPasswordHash(string? hash) => Hash = hash;

    /// <summary>The new password equals one of the earlier ones: refuse it.</summary>
    public static NewPasswordHash Reused { get; } = new(null);

    /// <summary>The PHC string of the new password; null when <see cref="IsReused"/>.</summary>
    public string? Hash { get; }

    public bool IsReused => Hash is null;

    public static NewPasswordHash Fresh(string hash) => new(hash);
}

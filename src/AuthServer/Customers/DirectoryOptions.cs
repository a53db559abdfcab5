namespace Recovery.AuthServer.Customers;

/// <summary>The admin credential of <c>DirectoryService</c>. Bound from <c>Directory:*</c>.</summary>
public sealed class DirectoryOptions
{
    public const string Section = "Directory";

    /// <summary>
    /// Bearer tokens accepted on DirectoryService calls (<c>authorization: Bearer &lt;token&gt;</c>), each base64
    /// of at least 32 random bytes; several so that a token can be rotated without downtime. Default: none, and
    /// then DirectoryService refuses every call. Development ships a published one, refused elsewhere.
    /// </summary>
    public List<string> AdminTokens { get; set; } = [];
}

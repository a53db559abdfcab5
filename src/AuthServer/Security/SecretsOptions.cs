using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Security;

/// <summary>
/// Server secrets, each base64 of at least 32 random bytes. Bound from <c>Secrets:*</c>.
/// Development ships well-known values in appsettings.Development.json; start-up refuses them (and
/// empty values) in any other environment.
/// </summary>
public sealed class SecretsOptions
{
    public const string Section = "Secrets";

    /// <summary>HMAC-SHA256 key for looking cards up by PAN. Rotating it needs a re-import of cards.</summary>
    [Required]
    public string CardLookupKey { get; set; } = string.Empty;

    /// <summary>HMAC-SHA256 key for one-time codes, temporary passwords and tokens at rest.</summary>
    [Required]
    public string CodeKey { get; set; } = string.Empty;

    /// <summary>Pepper applied by HMAC to passwords before Argon2id. Its id is written into each hash.</summary>
    [Required]
    public string PasswordPepper { get; set; } = string.Empty;

    /// <summary>Id of <see cref="PasswordPepper"/>, recorded as <c>keyid</c> in PHC strings. Default <c>p1</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9]{1,8}$")]
    public string PasswordPepperId { get; set; } = "p1";

    /// <summary>
    /// Retired peppers by id (base64 each), still accepted to verify hashes made with them; a login
    /// that verifies with one stores a new hash under the current pepper. Default: none.
    /// </summary>
    public Dictionary<string, string> PreviousPasswordPeppers { get; set; } = [];
}

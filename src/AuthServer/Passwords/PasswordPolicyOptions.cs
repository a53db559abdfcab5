using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Passwords;

/// <summary>The password policy. Bound from <c>Passwords:Policy:*</c>.</summary>
public sealed class PasswordPolicyOptions
{
    public const string Section = "Passwords:Policy";

    /// <summary>Minimum length in Unicode code points after NFKC. Default 8 (the bank's rule).</summary>
    [Range(8, 64)]
    public int MinLength { get; set; } = 8;

    /// <summary>Maximum length in code points after NFKC; longer is refused, never truncated. Default 20, at most 64.</summary>
    [Range(8, 64)]
    public int MaxLength { get; set; } = 20;

    /// <summary>Weakest accepted level. Default <see cref="PasswordStrength.Strong"/> ("Fuerte").</summary>
    [EnumDataType(typeof(PasswordStrength))]
    public PasswordStrength MinimumStrength { get; set; } = PasswordStrength.Strong;

    /// <summary>Earlier passwords that may not be reused. Default 5.</summary>
    [Range(0, 24)]
    public int HistoryDepth { get; set; } = 5;

    /// <summary>
    /// Folder of the shipped lists (<c>common-passwords.txt.gz</c>, <c>strength/*.txt.gz</c>); a relative
    /// path is taken from the server's binary folder. Default "Data". A missing or damaged list stops the host.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = "Data";

    /// <summary><see cref="DataDirectory"/> as an absolute path.</summary>
    public string DataPath => Path.Combine(AppContext.BaseDirectory, DataDirectory);

    /// <summary>Words of the bank that no password may contain. Default "cajamar".</summary>
    public string[] BankWords { get; set; } = ["cajamar"];
}

using Microsoft.Extensions.Options;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>
/// The server's real lists: Data/common-passwords.txt.gz and Data/strength/*. The build copies them
/// next to the test assembly (AuthServer marks them CopyToOutputDirectory); when run from elsewhere
/// we walk up to the source tree. Loaded once: they hold some 125,000 and 100,000 entries.
/// </summary>
internal static class CommonPasswords
{
    private static readonly Lazy<CommonPasswordList> Shared = new(() => CommonPasswordList.Load(Path.Combine(FindDataDirectory(), CommonPasswordList.FileName)));

    private static readonly Lazy<StrengthDictionaries> SharedDictionaries = new(() => StrengthDictionaries.Load(FindDataDirectory()));

    private static readonly Lazy<StrengthEstimator> SharedEstimator = new(() => Estimator(new PasswordPolicyOptions()));

    public static CommonPasswordList List => Shared.Value;

    public static StrengthDictionaries Dictionaries => SharedDictionaries.Value;

    /// <summary>The estimator for the default options (bank word "cajamar").</summary>
    public static StrengthEstimator DefaultEstimator => SharedEstimator.Value;

    public static StrengthEstimator Estimator(PasswordPolicyOptions options) => new(Dictionaries, Options.Create(options));

    /// <summary>The policy with the real lists; the estimator is shared unless the bank words differ from the default.</summary>
    public static PasswordPolicy Policy(PasswordPolicyOptions? options = null)
    {
        options ??= new PasswordPolicyOptions();
        var estimator = options.BankWords.SequenceEqual(new PasswordPolicyOptions().BankWords) ? DefaultEstimator : Estimator(options);
        return new PasswordPolicy(Options.Create(options), List, estimator);
    }

    public static string FindDataDirectory()
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "Data");
        if (File.Exists(Path.Combine(copied, CommonPasswordList.FileName)))
        {
            return copied;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "AuthServer", "Data");
            if (File.Exists(Path.Combine(candidate, CommonPasswordList.FileName)))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Data/{CommonPasswordList.FileName} was found neither in the test output nor in the source tree.");
    }
}

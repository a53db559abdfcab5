using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>
/// The server's real list, Data/common-passwords.txt. The build copies it next to the test assembly
/// (AuthServer marks it CopyToOutputDirectory); when run from elsewhere we walk up to the source tree.
/// Loaded once: it holds 30,000 entries.
/// </summary>
internal static class CommonPasswords
{
    private static readonly Lazy<CommonPasswordList> Shared = new(() => CommonPasswordList.Load(FindFile()));

    public static CommonPasswordList List => Shared.Value;

    public static string FindFile()
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "Data", "common-passwords.txt");
        if (File.Exists(copied))
        {
            return copied;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "AuthServer", "Data", "common-passwords.txt");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Data/common-passwords.txt was found neither in the test output nor in the source tree.");
    }
}

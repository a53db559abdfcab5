using System.Collections.Frozen;
using System.Text;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The common/breached password list shipped in <c>Data/common-passwords.txt</c>, held in a frozen
/// hash set. Loading fails loudly: a server whose list is missing must not start and accept
/// everything (fail closed).
/// </summary>
public sealed class CommonPasswordList
{
    private readonly FrozenSet<string> entries;

    public CommonPasswordList(IEnumerable<string> lines)
    {
        entries = lines
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(Normalize)
            .ToFrozenSet(StringComparer.Ordinal);
        if (entries.Count == 0)
        {
            throw new InvalidOperationException("The common password list is empty.");
        }
    }

    public int Count => entries.Count;

    public static CommonPasswordList Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The common password list is missing at {path}; the server refuses to start without it.", path);
        }

        return new CommonPasswordList(File.ReadLines(path, Encoding.UTF8));
    }

    public bool Contains(string password) => entries.Contains(Normalize(password));

    private static string Normalize(string s) => s.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();
}

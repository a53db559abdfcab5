using System.Collections.Frozen;
using System.Text;
using Recovery.AuthServer.Passwords.Strength;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The common/breached password list shipped in <c>Data/common-passwords.txt.gz</c> (about 125,000
/// entries, sources in THIRD-PARTY-NOTICES.md), held in a frozen hash set of normalised entries:
/// one hash and one comparison per lookup, offline. Loading fails loudly: a server whose list is
/// missing, damaged or cut short must not start and accept everything (fail closed).
/// </summary>
public sealed class CommonPasswordList
{
    /// <summary>The shipped list has about 125,000 entries; fewer than this means a broken deployment.</summary>
    public const int MinimumShippedEntries = 100_000;

    public const string FileName = "common-passwords.txt.gz";

    private readonly FrozenSet<string> entries;

    /// <param name="minimumEntries">Fewer distinct entries than this throw; the shipped list is held to <see cref="MinimumShippedEntries"/>.</param>
    public CommonPasswordList(IEnumerable<string> lines, int minimumEntries = 1)
    {
        entries = lines
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(Normalize)
            .ToFrozenSet(StringComparer.Ordinal);
        if (entries.Count == 0)
        {
            throw new InvalidOperationException("The common password list is empty.");
        }

        if (entries.Count < minimumEntries)
        {
            throw new InvalidOperationException($"The common password list has {entries.Count} entries, fewer than the {minimumEntries} expected; the server refuses to start with it.");
        }
    }

    public int Count => entries.Count;

    public static CommonPasswordList Load(string path, int minimumEntries = MinimumShippedEntries) =>
        new(WordListFile.ReadEntries(path), minimumEntries);

    public bool Contains(string password) => entries.Contains(Normalize(password));

    private static string Normalize(string s) => s.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();
}

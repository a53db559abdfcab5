namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// The Spanish word lists the estimator ranks words against, most frequent first (sources in
/// THIRD-PARTY-NOTICES.md): everyday words (OpenSubtitles), Wikipedia words, first names and
/// surnames. Loaded once at start-up. Without them zxcvbn would take "Mariposa" or "Verano" for
/// random letters, so a missing or cut-short list stops the host (fail closed), like the
/// common-password list.
/// </summary>
public sealed class StrengthDictionaries
{
    public const string Folder = "strength";

    // Name, file and the fewest entries a sound copy has (the shipped files hold a little more).
    private static readonly (string Name, string File, int Minimum)[] Shipped =
    [
        ("es_words", "es-common-words.txt.gz", 35_000),
        ("es_wikipedia", "es-wikipedia.txt.gz", 45_000),
        ("es_first_names", "es-first-names.txt.gz", 1_000),
        ("es_last_names", "es-last-names.txt.gz", 7_000),
    ];

    public StrengthDictionaries(IReadOnlyDictionary<string, IReadOnlyList<string>> ranked)
    {
        Ranked = ranked.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)WithFoldedForms(kv.Value));
    }

    /// <summary>Each list by name, most frequent first, with accent-free spellings added beside the accented ones.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Ranked { get; }

    public int Count => Ranked.Values.Sum(l => l.Count);

    public static StrengthDictionaries Load(string dataDirectory)
    {
        var lists = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (name, file, minimum) in Shipped)
        {
            var path = Path.Combine(dataDirectory, Folder, file);
            var words = WordListFile.ReadEntries(path);
            if (words.Count < minimum)
            {
                throw new InvalidOperationException($"The word list {path} has {words.Count} entries, fewer than the {minimum} expected; the server refuses to start with it.");
            }

            lists[name] = words;
        }

        return new StrengthDictionaries(lists);
    }

    // "batería" and "bateria", "contraseña" and "contrasena" are typed interchangeably; the folded
    // form gets the rank of the word it comes from. Single letters are left out: as "words" they
    // would make every random password look like a phrase.
    private static List<string> WithFoldedForms(IReadOnlyList<string> words)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>(words.Count + words.Count / 10);
        foreach (var word in words)
        {
            var lower = word.ToLowerInvariant();
            if (lower.Length < 2)
            {
                continue;
            }

            if (seen.Add(lower))
            {
                result.Add(lower);
            }

            var folded = TextFold.Fold(lower);
            if (seen.Add(folded))
            {
                result.Add(folded);
            }
        }

        return result;
    }
}

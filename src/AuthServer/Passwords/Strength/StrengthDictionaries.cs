namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// The word lists the estimator ranks words against, most frequent first (sources in
/// THIRD-PARTY-NOTICES.md): zxcvbn's five English lists (breached passwords, English words, male and
/// female first names, surnames) and four Spanish ones (everyday words from OpenSubtitles, Wikipedia
/// words, first names and surnames). Loaded once at start-up. Without them the estimator would take
/// "Mariposa" or "Verano" for random letters, so a missing or cut-short list stops the host (fail
/// closed), like the common-password list.
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

    // zxcvbn-core 1.1.17's embedded lists, byte for byte (a unit test compares them with the package's).
    private static readonly (string Name, string File, int Minimum)[] ShippedEnglish =
    [
        ("passwords", "zxcvbn-passwords.txt.gz", 30_000),
        ("english", "zxcvbn-english.txt.gz", 29_000),
        ("male_names", "zxcvbn-male-names.txt.gz", 900),
        ("female_names", "zxcvbn-female-names.txt.gz", 3_500),
        ("surnames", "zxcvbn-surnames.txt.gz", 9_000),
    ];

    public StrengthDictionaries(
        IReadOnlyDictionary<string, IReadOnlyList<string>> ranked,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? english = null)
    {
        Ranked = ranked.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)WithFoldedForms(kv.Value));
        English = english ?? new Dictionary<string, IReadOnlyList<string>>();
    }

    /// <summary>The Spanish lists by name, most frequent first, with accent-free spellings added beside the accented ones.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Ranked { get; }

    /// <summary>
    /// zxcvbn's English lists by name, line for line: a word's rank is its line number, as in zxcvbn
    /// (the one empty line of "passwords" is kept so that the ranks after it stay zxcvbn's).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> English { get; }

    public int Count => Ranked.Values.Sum(l => l.Count) + English.Values.Sum(l => l.Count);

    public static StrengthDictionaries Load(string dataDirectory)
    {
        var spanish = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (name, file, minimum) in Shipped)
        {
            spanish[name] = Read(dataDirectory, file, minimum, WordListFile.ReadEntries);
        }

        var english = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (name, file, minimum) in ShippedEnglish)
        {
            english[name] = Read(dataDirectory, file, minimum, WordListFile.ReadLines);
        }

        return new StrengthDictionaries(spanish, english);
    }

    private static List<string> Read(string dataDirectory, string file, int minimum, Func<string, List<string>> reader)
    {
        var path = Path.Combine(dataDirectory, Folder, file);
        var words = reader(path);
        if (words.Count < minimum)
        {
            throw new InvalidOperationException($"The word list {path} has {words.Count} entries, fewer than the {minimum} expected; the server refuses to start with it.");
        }

        return words;
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

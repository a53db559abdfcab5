using System.Buffers;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// The meter's estimate: zxcvbn's judgement (the entropy-based zxcvbn-core 1.1.17, with the server's
/// Spanish lists, the bank's words and the customer's own data) at the cost of a few microseconds.
/// Everything zxcvbn-core rebuilt or re-ran per call is made once here, at start-up: one frozen trie of
/// every ranked word, the keyboard graphs resolved into tables, and the regular expressions written
/// as loops. A call then works on the stack: the password in lower case, a table of the cheapest
/// match for each stretch, and zxcvbn's minimum-entropy search over it.
/// </summary>
/// <remarks>
/// zxcvbn-core is kept only as the reference: <c>StrengthReferenceTests</c> compares the two over a
/// corpus of more than ten thousand passwords. The search grows with the square of the length, so a
/// password longer than <see cref="MaxEvaluatedLength"/> UTF-16 units is not searched and rated
/// <see cref="PasswordStrength.VeryStrong"/>; the policy allows at most 64 code points (128 units), and
/// refuses anything longer for its length anyway.
/// </remarks>
public sealed class StrengthEstimator
{
    /// <summary>The longest password searched, in UTF-16 units: 64 code points of the policy's largest maximum, each possibly a surrogate pair.</summary>
    public const int MaxEvaluatedLength = 128;

    // Up to this length the table of stretches (n² doubles, 8 KB at 32) lives on the stack; beyond it is rented.
    private const int StackTableLength = 32;

    private readonly WordMatcher words;

    public StrengthEstimator(StrengthDictionaries dictionaries, IOptions<PasswordPolicyOptions> options)
    {
        var ranked = new List<(string Word, int Rank)>();
        foreach (var list in dictionaries.English.Values)
        {
            ranked.AddRange(RanksOf(list));
        }

        // The bank's name is the first guess of anyone attacking its customers.
        ranked.AddRange(RanksOf(options.Value.BankWords.Select(w => TextFold.Fold(w).ToLowerInvariant()).ToList()));
        foreach (var list in dictionaries.Ranked.Values)
        {
            ranked.AddRange(RanksOf(list));
        }

        words = new WordMatcher(WordTrie.Build(ranked));

        // Compile the hot path now, at start-up, not on the first customer's keystroke.
        Estimate("warm-up Contraseña1!", ["warm-up"]);
    }

    /// <summary>Nodes of the trie of ranked words (for the benchmark's memory line).</summary>
    internal int TrieNodes => words.Trie.NodeCount;

    /// <summary>The level of <paramref name="password"/> (already NFKC-normalised) given the customer's data.</summary>
    public PasswordStrength Estimate(string password, IReadOnlyList<string> userInputs)
    {
        if (password.Length == 0)
        {
            return PasswordStrength.VeryWeak;
        }

        if (password.Length > MaxEvaluatedLength)
        {
            return PasswordStrength.VeryStrong;
        }

        return (PasswordStrength)(EntropyMath.Score(Entropy(password, userInputs)) + 1);
    }

    /// <summary>zxcvbn's entropy of the password, in bits: the fewest bits over every way of cutting it into matches and brute-forced characters.</summary>
    internal double Entropy(ReadOnlySpan<char> password, IReadOnlyList<string> userInputs)
    {
        var n = password.Length;
        if (n == 0)
        {
            return 0.0;
        }

        if (n > MaxEvaluatedLength)
        {
            throw new ArgumentOutOfRangeException(nameof(password), $"At most {MaxEvaluatedLength} characters are searched.");
        }

        double[]? rented = null;
        var cells = n <= StackTableLength ? stackalloc double[n * n] : (rented = ArrayPool<double>.Shared.Rent(n * n));
        try
        {
            var table = new MatchTable(cells, n);
            Span<char> lower = stackalloc char[n];
            password.ToLowerInvariant(lower);

            words.MatchWords(table, password, lower);
            WordMatcher.MatchUserInputs(table, password, lower, userInputs);
            words.MatchL33t(table, password, lower);
            PatternMatching.MatchAll(table, password);

            Span<double> prefix = stackalloc double[n];
            return table.MinimumEntropy(EntropyMath.Cardinality(password), prefix);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    // A list's ranks as zxcvbn builds them: position + 1, a repeated word keeping the rank of its last copy.
    private static IEnumerable<(string Word, int Rank)> RanksOf(IReadOnlyList<string> list)
    {
        var ranks = new Dictionary<string, int>(list.Count, StringComparer.Ordinal);
        for (var k = 0; k < list.Count; k++)
        {
            ranks[list[k]] = k + 1;
        }

        return ranks.Select(kv => (kv.Key, kv.Value));
    }
}

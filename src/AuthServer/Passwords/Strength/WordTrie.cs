namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// Every ranked word of every list in one frozen trie, built once at start-up: a walk from a
/// position of the password finds, one character at a time, every word that starts there, and stops
/// as soon as no word continues (most walks end after a character or two). A word in several lists
/// keeps its best (lowest) rank, the only one the search for the fewest guesses can use.
/// </summary>
/// <remarks>
/// Nodes live in flat arrays; the children of a node are contiguous and sorted by character, so a
/// step is a short scan or a binary search, with no allocation and no hashing of substrings.
/// </remarks>
internal sealed class WordTrie
{
    public const int Root = 0;
    private const int LinearScanLimit = 8;

    private readonly char[] labels;
    private readonly int[] firstChild;
    private readonly int[] childCount;
    private readonly int[] ranks;

    private WordTrie(char[] labels, int[] firstChild, int[] childCount, int[] ranks)
    {
        this.labels = labels;
        this.firstChild = firstChild;
        this.childCount = childCount;
        this.ranks = ranks;
    }

    public int NodeCount => ranks.Length;

    /// <summary>Builds the trie from (word, rank) pairs; empty words are ignored, a repeated word keeps its lowest rank.</summary>
    public static WordTrie Build(IEnumerable<(string Word, int Rank)> entries)
    {
        var best = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (word, rank) in entries)
        {
            if (word.Length > 0 && rank > 0 && (!best.TryGetValue(word, out var known) || rank < known))
            {
                best[word] = rank;
            }
        }

        var words = best.Keys.ToArray();
        Array.Sort(words, StringComparer.Ordinal);

        var labels = new List<char> { '\0' };
        var first = new List<int> { 0 };
        var count = new List<int> { 0 };
        var rankOf = new List<int> { 0 };

        // Breadth first, so that the children of a node are allocated together, side by side.
        var pending = new Queue<(int Node, int From, int To, int Depth)>();
        pending.Enqueue((Root, 0, words.Length, 0));
        while (pending.Count > 0)
        {
            var (node, from, to, depth) = pending.Dequeue();
            if (from < to && words[from].Length == depth)
            {
                rankOf[node] = best[words[from]];
                from++;
            }

            first[node] = labels.Count;
            var start = from;
            while (start < to)
            {
                var c = words[start][depth];
                var end = start + 1;
                while (end < to && words[end][depth] == c)
                {
                    end++;
                }

                var child = labels.Count;
                labels.Add(c);
                first.Add(0);
                count.Add(0);
                rankOf.Add(0);
                pending.Enqueue((child, start, end, depth + 1));
                start = end;
            }

            count[node] = labels.Count - first[node];
        }

        return new WordTrie([.. labels], [.. first], [.. count], [.. rankOf]);
    }

    /// <summary>The node reached from <paramref name="node"/> by <paramref name="c"/>, or -1 when no word continues so.</summary>
    public int Child(int node, char c)
    {
        var from = firstChild[node];
        var n = childCount[node];
        if (n <= LinearScanLimit)
        {
            for (var k = from; k < from + n; k++)
            {
                if (labels[k] == c)
                {
                    return k;
                }
            }

            return -1;
        }

        var found = labels.AsSpan(from, n).BinarySearch(c);
        return found >= 0 ? from + found : -1;
    }

    /// <summary>The rank of the word that ends at <paramref name="node"/> (1 = most frequent), or 0 when none does.</summary>
    public int Rank(int node) => ranks[node];
}

namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// zxcvbn-core 1.1.17's matchers that need no dictionary, rewritten as loops over the password:
/// repeats, alphabet and digit sequences, keyboard walks, the server's three regular-expression
/// matchers (digit runs, years, word separators) and dates. Each finds the same stretches and gives
/// them the same entropy as the library (quirks included: the table they are measured against is
/// the library's), without a regular expression, a LINQ query or an allocation.
/// </summary>
internal static class PatternMatching
{
    private static readonly string[] Sequences =
    [
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "01234567890",
        "zyxwvutsrqponmlkjihgfedcba", "ZYXWVUTSRQPONMLKJIHGFEDCBA", "09876543210",
    ];

    private const int AscendingSequences = 3;
    private const int YearCardinality = 200;
    private const int SeparatorCardinality = 2;

    public static void MatchAll(MatchTable table, ReadOnlySpan<char> password)
    {
        Repeats(table, password);
        SequencesOf(table, password);
        DigitRuns(table, password);
        Years(table, password);
        Separators(table, password);
        DigitOnlyDates(table, password);
        SeparatedDates(table, password, yearFirst: false);
        SeparatedDates(table, password, yearFirst: true);
        // By index: a foreach over the read-only list would allocate its enumerator on every call.
        for (var g = 0; g < KeyboardGraph.All.Count; g++)
        {
            Walks(table, password, KeyboardGraph.All[g]);
        }
    }

    /// <summary>Three or more of the same character: log2(cardinality × length).</summary>
    private static void Repeats(MatchTable table, ReadOnlySpan<char> password)
    {
        var start = 0;
        for (var k = 1; k <= password.Length; k++)
        {
            if (k < password.Length && password[k] == password[start])
            {
                continue;
            }

            var length = k - start;
            if (length > 2)
            {
                table.Offer(start, k - 1, Math.Log(EntropyMath.Cardinality(password.Slice(start, length)) * length, 2.0));
            }

            start = k;
        }
    }

    /// <summary>
    /// Runs of three or more along an alphabet or the digits, either way. As in zxcvbn-core a character
    /// outside the alphabet followed by its first letter starts a run too, and a run that starts with a
    /// capital scores NaN (log base 1) and is never chosen.
    /// </summary>
    private static void SequencesOf(MatchTable table, ReadOnlySpan<char> password)
    {
        var i = 0;
        while (i < password.Length - 1)
        {
            var j = i + 1;
            var found = -1;
            for (var s = 0; s < Sequences.Length; s++)
            {
                if (Sequences[s].IndexOf(password[j]) == Sequences[s].IndexOf(password[i]) + 1)
                {
                    found = s;
                    break;
                }
            }

            if (found >= 0)
            {
                var text = Sequences[found];
                var at = text.IndexOf(password[i]);
                while (j < password.Length && at + j - i < text.Length && text[at + j - i] == password[j])
                {
                    j++;
                }

                if (j - i > 2)
                {
                    table.Offer(i, j - 1, SequenceEntropy(password[i], j - i, ascending: found < AscendingSequences));
                }
            }

            i = j;
        }
    }

    private static double SequenceEntropy(char first, int length, bool ascending)
    {
        var entropy = first is 'a' or '1' ? 1.0
            : first is >= '0' and <= '9' ? Math.Log(10.0, 2.0)
            : first is >= 'a' and <= 'z' ? Math.Log(26.0, 2.0)
            : Math.Log(26.0, 1.0) + 1.0;
        if (!ascending)
        {
            entropy += 1.0;
        }

        return entropy + Math.Log(length, 2.0);
    }

    /// <summary>The server's "digits" matcher, \d{3,}: each maximal run of three or more digits at log2(10) a digit.</summary>
    private static void DigitRuns(MatchTable table, ReadOnlySpan<char> password)
    {
        var k = 0;
        while (k < password.Length)
        {
            var run = DigitRun(password, k);
            if (run >= 3)
            {
                table.Offer(k, k + run - 1, Math.Log(Math.Pow(10, run), 2.0));
            }

            k += Math.Max(run, 1);
        }
    }

    /// <summary>The server's "year" matcher, 19\d\d|20\d\d, left to right without overlaps: log2(200) each.</summary>
    private static void Years(MatchTable table, ReadOnlySpan<char> password)
    {
        var k = 0;
        while (k + 3 < password.Length)
        {
            var century = (password[k] == '1' && password[k + 1] == '9') || (password[k] == '2' && password[k + 1] == '0');
            if (century && char.IsDigit(password[k + 2]) && char.IsDigit(password[k + 3]))
            {
                table.Offer(k, k + 3, Math.Log(YearCardinality, 2.0));
                k += 4;
            }
            else
            {
                k++;
            }
        }
    }

    /// <summary>The server's "separator" matcher, [\s\-_.,;:+/]: one bit each.</summary>
    private static void Separators(MatchTable table, ReadOnlySpan<char> password)
    {
        for (var k = 0; k < password.Length; k++)
        {
            if (char.IsWhiteSpace(password[k]) || password[k] is '-' or '_' or '.' or ',' or ';' or ':' or '+' or '/')
            {
                table.Offer(k, k, Math.Log(SeparatorCardinality, 2.0));
            }
        }
    }

    /// <summary>Keyboard walks of three keys or more on one graph: zxcvbn-core's turns and shifts.</summary>
    private static void Walks(MatchTable table, ReadOnlySpan<char> password, KeyboardGraph graph)
    {
        var i = 0;
        while (i < password.Length - 1)
        {
            int turns = 0, shifted = 0, lastDirection = -1, j;
            for (j = i + 1; j < password.Length; j++)
            {
                var direction = graph.Direction(password[j - 1], password[j], out var isShifted);
                if (direction == -1)
                {
                    break;
                }

                if (isShifted)
                {
                    shifted++;
                }

                if (lastDirection != direction)
                {
                    turns++;
                    lastDirection = direction;
                }
            }

            if (j - i > 2)
            {
                table.Offer(i, j - 1, graph.Entropy(j - i, turns, shifted));
            }

            i = j;
        }
    }

    /// <summary>Dates without separators, \d{4,8} left to right: "1985", "140385", "14031985".</summary>
    private static void DigitOnlyDates(MatchTable table, ReadOnlySpan<char> password)
    {
        var k = 0;
        while (k < password.Length)
        {
            var run = DigitRun(password, k);
            if (run < 4)
            {
                k += Math.Max(run, 1);
                continue;
            }

            var length = Math.Min(run, 8);
            var token = password.Slice(k, length);
            if (DateRules.IsDigitOnlyDate(token))
            {
                table.Offer(k, k + length - 1, DateRules.Entropy(length <= 6 ? 99 : 9999, separator: false));
            }

            k += length;
        }
    }

    /// <summary>
    /// Dates with a separator, day-month-year or year-month-day: zxcvbn-core's two regular expressions
    /// ((\d{1,2})(sep)(\d{1,2})\2(19\d{2}|200\d|201\d|\d{2}) and its mirror) matched by hand with the same
    /// greedy choices and the same left-to-right scan; a match out of range is consumed and dropped.
    /// </summary>
    private static void SeparatedDates(MatchTable table, ReadOnlySpan<char> password, bool yearFirst)
    {
        var k = 0;
        while (k < password.Length)
        {
            var found = yearFirst ? DateRules.MatchYearFirst(password, k) : DateRules.MatchYearLast(password, k);
            if (found is not { } date)
            {
                k++;
                continue;
            }

            var (year, month, day) = (date.Year, date.Middle, date.Outer);
            if (month is >= 12 and <= 31 && day <= 12)
            {
                (month, day) = (day, month);
            }

            if (DateRules.IsYear(year) && DateRules.IsMonthDay(month, day))
            {
                table.Offer(k, date.End - 1, DateRules.Entropy(year, separator: true));
            }

            k = date.End;
        }
    }

    private static int DigitRun(ReadOnlySpan<char> password, int from)
    {
        var k = from;
        while (k < password.Length && char.IsDigit(password[k]))
        {
            k++;
        }

        return k - from;
    }
}

namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// zxcvbn's dictionary and l33t matchers over one frozen trie of every ranked list: each word found
/// inside the password costs log2(rank) bits plus its capitals; a word found after undoing l33t
/// substitutions ('4' or '@' for a, '0' for o, '1' for i or l, ...) costs its l33t bits too. The
/// customer's own data is a per-call list, matched by comparison (it holds a handful of words).
/// </summary>
internal sealed class WordMatcher(WordTrie trie)
{
    // zxcvbn-core's substitution table: the letter each l33t character can stand for.
    private const string L33tCharacters = "4@8({[<3691!|70$5+%2";
    private const string L33tLetters = "aabcccceggiiilosstxz";

    public WordTrie Trie => trie;

    /// <summary>Every ranked word inside <paramref name="lower"/> (the password in lower case).</summary>
    public void MatchWords(MatchTable table, ReadOnlySpan<char> password, ReadOnlySpan<char> lower)
    {
        for (var i = 0; i < lower.Length; i++)
        {
            var node = WordTrie.Root;
            for (var j = i; j < lower.Length; j++)
            {
                node = trie.Child(node, lower[j]);
                if (node < 0)
                {
                    break;
                }

                var rank = trie.Rank(node);
                if (rank > 0)
                {
                    table.Offer(i, j, Math.Log(rank, 2.0) + EntropyMath.UppercaseEntropy(password[i..(j + 1)]));
                }
            }
        }
    }

    /// <summary>
    /// The customer's data as zxcvbn's "user_inputs" dictionary: ranked by position, a repeated entry
    /// taking the rank of its last copy (zxcvbn's dictionary overwrites), compared in lower case.
    /// </summary>
    public static void MatchUserInputs(MatchTable table, ReadOnlySpan<char> password, ReadOnlySpan<char> lower, IReadOnlyList<string> userInputs)
    {
        for (var u = 0; u < userInputs.Count; u++)
        {
            var input = userInputs[u].AsSpan();
            if (input.Length == 0 || input.Length > lower.Length || RepeatedLater(userInputs, u))
            {
                continue;
            }

            var bits = Math.Log(u + 1, 2.0);
            for (var i = 0; i + input.Length <= lower.Length; i++)
            {
                if (EqualsLower(lower.Slice(i, input.Length), input))
                {
                    table.Offer(i, i + input.Length - 1, bits + EntropyMath.UppercaseEntropy(password.Slice(i, input.Length)));
                }
            }
        }
    }

    /// <summary>
    /// Words hidden by l33t. As in zxcvbn-core every l33t character present is replaced everywhere at
    /// once, once for each way of reading the ambiguous ones ('1' and '|' as i or l, '7' as l or t), and a
    /// word counts only when it covers at least one replaced character.
    /// </summary>
    public void MatchL33t(MatchTable table, ReadOnlySpan<char> password, ReadOnlySpan<char> lower)
    {
        var n = password.Length;
        Span<int> substitutedBefore = stackalloc int[n + 1];
        bool hasOne = false, hasBar = false, hasSeven = false;
        for (var k = 0; k < n; k++)
        {
            var isL33t = L33tCharacters.Contains(password[k]);
            substitutedBefore[k + 1] = substitutedBefore[k] + (isL33t ? 1 : 0);
            hasOne |= password[k] == '1';
            hasBar |= password[k] == '|';
            hasSeven |= password[k] == '7';
        }

        if (substitutedBefore[n] == 0)
        {
            return;
        }

        Span<char> translatedLower = stackalloc char[n];
        Span<char> translated = stackalloc char[n];
        for (var readings = 0; readings < 8; readings++)
        {
            // Bit 0: '1' as l (else i); bit 1: '|' as l (else i); bit 2: '7' as t (else l). A bit for a character
            // that is absent would only repeat a reading.
            if ((!hasOne && (readings & 1) != 0) || (!hasBar && (readings & 2) != 0) || (!hasSeven && (readings & 4) != 0))
            {
                continue;
            }

            for (var k = 0; k < n; k++)
            {
                var letter = Letter(password[k], readings);
                translated[k] = letter == '\0' ? password[k] : letter;
                translatedLower[k] = letter == '\0' ? lower[k] : letter;
            }

            for (var i = 0; i < n; i++)
            {
                var node = WordTrie.Root;
                for (var j = i; j < n; j++)
                {
                    node = trie.Child(node, translatedLower[j]);
                    if (node < 0)
                    {
                        break;
                    }

                    var rank = trie.Rank(node);
                    if (rank > 0 && substitutedBefore[j + 1] > substitutedBefore[i])
                    {
                        var token = password[i..(j + 1)];
                        table.Offer(i, j, L33tEntropy(rank, token, translated[i..(j + 1)], readings));
                    }
                }
            }
        }
    }

    // The same sum in the same order as zxcvbn-core: the dictionary's bits with the capitals of the
    // translated word, plus the l33t bits, minus those capitals, plus the capitals of what was typed.
    private static double L33tEntropy(int rank, ReadOnlySpan<char> token, ReadOnlySpan<char> translatedToken, int readings)
    {
        var translatedCapitals = EntropyMath.UppercaseEntropy(translatedToken);
        var entropy = Math.Log(rank, 2.0) + translatedCapitals;

        var ways = 0;
        for (var s = 0; s < L33tCharacters.Length; s++)
        {
            var l33t = L33tCharacters[s];
            var substituted = token.Count(l33t);
            if (substituted == 0)
            {
                continue;
            }

            var unsubstituted = token.Count(Letter(l33t, readings));
            for (var i = 0; i <= Math.Min(substituted, unsubstituted); i++)
            {
                ways += (int)EntropyMath.Binomial(substituted + unsubstituted, i);
            }
        }

        var l33tBits = Math.Log(ways, 2.0);
        entropy += l33tBits < 1.0 ? 1.0 : l33tBits;
        entropy -= translatedCapitals;
        return entropy + EntropyMath.UppercaseEntropy(token);
    }

    private static char Letter(char c, int readings) => c switch
    {
        '1' => (readings & 1) != 0 ? 'l' : 'i',
        '|' => (readings & 2) != 0 ? 'l' : 'i',
        '7' => (readings & 4) != 0 ? 't' : 'l',
        _ => L33tCharacters.IndexOf(c) is var at and >= 0 ? L33tLetters[at] : '\0',
    };

    private static bool RepeatedLater(IReadOnlyList<string> inputs, int u)
    {
        for (var later = u + 1; later < inputs.Count; later++)
        {
            if (inputs[later].Length == inputs[u].Length && EqualsLower(inputs[later], inputs[u]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EqualsLower(ReadOnlySpan<char> lower, ReadOnlySpan<char> other)
    {
        for (var k = 0; k < lower.Length; k++)
        {
            if (char.ToLowerInvariant(lower[k]) != char.ToLowerInvariant(other[k]))
            {
                return false;
            }
        }

        return true;
    }
}

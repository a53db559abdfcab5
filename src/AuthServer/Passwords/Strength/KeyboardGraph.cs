namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// One keyboard of zxcvbn's spatial matcher (qwerty, dvorak, keypad, Mac keypad), built from the same
/// layouts by the same rules, so that a walk is found and scored exactly as zxcvbn-core 1.1.17 does.
/// At start-up every pair of ASCII keys is resolved into a table (the direction from one to the other,
/// and whether the second is the shifted character), so a step of the walk is one array read.
/// </summary>
internal sealed class KeyboardGraph
{
    private const int Keys = 128;
    private const sbyte NotAdjacent = -1;

    // Direction (0..7) + 8 when the neighbour is reached with shift; -1 when not adjacent.
    private readonly sbyte[] step = new sbyte[Keys * Keys];

    private KeyboardGraph(string name, string layout, bool slanted)
    {
        Name = name;
        Array.Fill(step, NotAdjacent);

        var tokenLength = layout.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0].Length;
        var positions = new Dictionary<(int X, int Y), string>();
        var rows = layout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var y = 0; y < rows.Length; y++)
        {
            // zxcvbn-core counts rows from 0 here, so the slant of the first row is -1: kept as is, it
            // is what places the keys of its graph.
            var slant = slanted ? y - 1 : 0;
            foreach (var token in rows[y].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var x = (rows[y].IndexOf(token, StringComparison.Ordinal) - slant) / (tokenLength + 1);
                positions[(x, y)] = token;
            }
        }

        var characters = 0;
        var neighbours = 0;
        foreach (var ((x, y), token) in positions)
        {
            (int X, int Y)[] around = slanted
                ? [(x - 1, y), (x, y - 1), (x + 1, y - 1), (x + 1, y), (x, y + 1), (x - 1, y + 1)]
                : [(x - 1, y), (x - 1, y - 1), (x, y - 1), (x + 1, y - 1), (x + 1, y), (x + 1, y + 1), (x, y + 1), (x - 1, y + 1)];
            foreach (var c in token)
            {
                characters++;
                for (var direction = 0; direction < around.Length; direction++)
                {
                    if (!positions.TryGetValue(around[direction], out var next))
                    {
                        continue;
                    }

                    neighbours++;
                    for (var k = 0; k < next.Length; k++)
                    {
                        // The first direction that reaches a character wins, as in zxcvbn.
                        ref var entry = ref step[c * Keys + next[k]];
                        if (entry == NotAdjacent)
                        {
                            entry = (sbyte)(direction + (k > 0 ? 8 : 0));
                        }
                    }
                }
            }
        }

        StartingPositions = characters;
        AverageDegree = neighbours * 1.0 / characters;
    }

    public static IReadOnlyList<KeyboardGraph> All { get; } =
    [
        new("qwerty", "\n`~ 1! 2@ 3# 4$ 5% 6^ 7& 8* 9( 0) -_ =+\n    qQ wW eE rR tT yY uU iI oO pP [{ ]} \\|\n     aA sS dD fF gG hH jJ kK lL ;: '\"\n      zZ xX cC vV bB nN mM ,< .> /?\n", slanted: true),
        new("dvorak", "\n`~ 1! 2@ 3# 4$ 5% 6^ 7& 8* 9( 0) [{ ]}\n    '\" ,< .> pP yY fF gG cC rR lL /? =+ \\|\n     aA oO eE uU iI dD hH tT nN sS -_\n      ;: qQ jJ kK xX bB mM wW vV zZ\n", slanted: true),
        new("keypad", "\n  / * -\n7 8 9 +\n4 5 6\n1 2 3\n  0 .\n", slanted: false),
        new("mac_keypad", "\n  = / *\n7 8 9 -\n4 5 6 +\n1 2 3\n  0 .\n", slanted: false),
    ];

    public string Name { get; }

    public int StartingPositions { get; }

    public double AverageDegree { get; }

    /// <summary>The direction from <paramref name="from"/> to the adjacent <paramref name="to"/>, or -1; <paramref name="shifted"/> when <paramref name="to"/> needs shift.</summary>
    public int Direction(char from, char to, out bool shifted)
    {
        shifted = false;
        if (from >= Keys || to >= Keys)
        {
            return NotAdjacent;
        }

        int entry = step[from * Keys + to];
        if (entry == NotAdjacent)
        {
            return NotAdjacent;
        }

        shifted = entry >= 8;
        return entry & 7;
    }

    /// <summary>zxcvbn-core's entropy of a walk of <paramref name="length"/> keys with so many turns and shifted keys.</summary>
    public double Entropy(int length, int turns, int shiftedCount)
    {
        var possibilities = 0.0;
        for (var i = 2; i <= length; i++)
        {
            var inner = 0.0;
            var most = Math.Min(turns, i - 1);
            for (var j = 1; j <= most; j++)
            {
                inner += StartingPositions * Math.Pow(AverageDegree, j) * EntropyMath.Binomial(i - 1, j - 1);
            }

            possibilities += inner;
        }

        var entropy = Math.Log(possibilities, 2.0);
        if (shiftedCount > 0)
        {
            var unshifted = length - shiftedCount;
            long variations = 0;
            for (var i = 0; i <= Math.Min(shiftedCount, unshifted); i++)
            {
                variations += EntropyMath.Binomial(length, i);
            }

            entropy += Math.Log(variations, 2.0);
        }

        return entropy;
    }
}

namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// The cheapest way found so far to guess each stretch [i, j] of the password: the matchers offer
/// (i, j, bits) and only the lowest bits of a stretch is kept, which is all the search for the fewest
/// guesses needs (zxcvbn keeps every match object; the minimum over them is the same number).
/// A password of n characters needs n² doubles, rented from a pool by the caller.
/// </summary>
internal readonly ref struct MatchTable
{
    private readonly Span<double> cells;

    public MatchTable(Span<double> cells, int length)
    {
        this.cells = cells[..(length * length)];
        Length = length;
        this.cells.Fill(double.PositiveInfinity);
    }

    public int Length { get; }

    public void Offer(int i, int j, double entropy)
    {
        ref var cell = ref cells[(j * Length) + i];
        if (entropy < cell)
        {
            cell = entropy;
        }
    }

    /// <summary>
    /// zxcvbn's minimum-entropy search: the fewest bits to reach the end of each prefix, either one
    /// more brute-forced character or a match that ends there; the answer is the whole password's.
    /// </summary>
    public double MinimumEntropy(int cardinality, Span<double> prefix)
    {
        var perCharacter = Math.Log(cardinality, 2.0);
        for (var k = 0; k < Length; k++)
        {
            var best = (k == 0 ? 0.0 : prefix[k - 1]) + perCharacter;
            var row = cells.Slice(k * Length, k + 1);
            for (var i = 0; i <= k; i++)
            {
                if (double.IsPositiveInfinity(row[i]))
                {
                    continue;
                }

                var candidate = (i <= 0 ? 0.0 : prefix[i - 1]) + row[i];
                if (candidate < best)
                {
                    best = candidate;
                }
            }

            prefix[k] = best;
        }

        return Length == 0 ? 0.0 : prefix[Length - 1];
    }
}

using System.Globalization;
using System.Text;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;
using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>
/// A deterministic corpus of passwords of every kind the meter meets, drawn with a fixed seed from the
/// server's own lists: Spanish words, names and phrases with the decorations people add (capitals,
/// digits, years, symbols), breached passwords, l33t spellings, keyboard walks, dates, random strings
/// of every alphabet, and the seed customer's own data dressed up the same ways.
/// </summary>
internal static class StrengthCorpus
{
    private const int Seed = 20261130;
    private const string Symbols = "!#$%&*+-./:;=?@_";
    private const string L33tFrom = "aeiolsotbgz";
    private const string L33tTo = "4310|50+869";

    private static readonly string[] KeyboardRows =
    [
        "`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./",
        "~!@#$%^&*()_+", "QWERTYUIOP{}|", "ASDFGHJKL:\"", "ZXCVBNM<>?",
        "1qaz2wsx3edc4rfv5tgb", "zaq12wsx", "qazwsxedc", "7894561230", "147258369", "159753", "741852963",
    ];

    /// <summary>The seed customer (SERGIO BARRIOS GÓMEZ, document 12345678Z, born 14 March 1985) as the policy sees it.</summary>
    public static PersonalData Customer { get; } =
        CustomerPersonalData.Of(SeedCustomerRecord.With() with { BirthDate = new DateOnly(1985, 3, 14) });

    public enum Kind
    {
        Other,
        Breached,
        Personal,
    }

    public static IReadOnlyList<(string Password, Kind Kind)> Build(StrengthDictionaries dictionaries, IReadOnlyList<string> breached)
    {
        var random = new Random(Seed);
        var corpus = new List<(string, Kind)>();
        var spanish = dictionaries.Ranked.Values.SelectMany(l => l).Where(w => w.Length >= 3 && !w.Contains(' ')).ToArray();
        var english = dictionaries.English.Values.SelectMany(l => l).Where(w => w.Length >= 3).ToArray();
        var names = dictionaries.Ranked["es_first_names"].Concat(dictionaries.Ranked["es_last_names"]).Where(w => w.Length >= 3).ToArray();
        string Pick(string[] from) => from[random.Next(from.Length)];

        // Words alone and decorated, from every rank of the Spanish and English lists.
        for (var k = 0; k < 2_000; k++)
        {
            corpus.Add((Decorate(random, Pick(spanish)), Kind.Other));
        }

        for (var k = 0; k < 600; k++)
        {
            corpus.Add((Decorate(random, Pick(english)), Kind.Other));
        }

        // Names with digits, years and birthdays.
        for (var k = 0; k < 1_000; k++)
        {
            corpus.Add((Decorate(random, Pick(names)), Kind.Other));
        }

        // Breached passwords as they are and decorated.
        for (var k = 0; k < 1_500; k++)
        {
            var password = breached[random.Next(breached.Count)];
            corpus.Add((password, Kind.Breached));
            corpus.Add((Capitalised(password) + Symbols[random.Next(Symbols.Length)], Kind.Other));
        }

        // l33t spellings.
        for (var k = 0; k < 1_000; k++)
        {
            var word = k % 3 == 0 ? Pick(english) : Pick(spanish);
            corpus.Add((Decorate(random, L33t(random, word)), Kind.Other));
        }

        // Keyboard walks, whole or in part, with a digit or symbol after.
        for (var k = 0; k < 700; k++)
        {
            var row = KeyboardRows[random.Next(KeyboardRows.Length)];
            var length = random.Next(3, row.Length + 1);
            var start = random.Next(row.Length - length + 1);
            var walk = row.Substring(start, length);
            corpus.Add((k % 2 == 0 ? walk : walk + random.Next(100).ToString(CultureInfo.InvariantCulture) + Symbols[random.Next(Symbols.Length)], Kind.Other));
        }

        // Dates in every notation, alone or after a word.
        for (var k = 0; k < 1_000; k++)
        {
            var date = Date(random);
            corpus.Add((k % 2 == 0 ? date : Capitalised(Pick(spanish)) + date, Kind.Other));
        }

        // Phrases of two to four words with separators.
        for (var k = 0; k < 1_000; k++)
        {
            var count = random.Next(2, 5);
            var separator = " -_."[random.Next(4)].ToString();
            corpus.Add((string.Join(separator, Enumerable.Range(0, count).Select(_ => Pick(spanish))), Kind.Other));
        }

        // Random strings of every alphabet and length, and repeats and sequences.
        const string lower = "abcdefghijklmnopqrstuvwxyz", upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", digits = "0123456789";
        string[] alphabets = [lower, lower + digits, lower + upper + digits, lower + upper + digits + Symbols, digits, "ñáéíóúü" + lower];
        for (var k = 0; k < 1_500; k++)
        {
            var alphabet = alphabets[random.Next(alphabets.Length)];
            var chars = new char[random.Next(4, 21)];
            for (var c = 0; c < chars.Length; c++)
            {
                chars[c] = alphabet[random.Next(alphabet.Length)];
            }

            corpus.Add((new string(chars), Kind.Other));
        }

        for (var k = 0; k < 300; k++)
        {
            var unit = k % 2 == 0 ? new string(lower[random.Next(26)], 1) : lower.Substring(random.Next(20), 3);
            var sequence = (k % 3 == 0 ? digits : lower).Substring(random.Next(5), random.Next(3, 6));
            corpus.Add((string.Concat(Enumerable.Repeat(unit, random.Next(3, 7))) + sequence, Kind.Other));
        }

        // The customer's own data, decorated and mixed with words.
        var personal = Customer.Values.ToArray();
        for (var k = 0; k < 1_000; k++)
        {
            var value = personal[random.Next(personal.Length)];
            var password = (k % 4) switch
            {
                0 => Decorate(random, value.ToLowerInvariant()),
                1 => Capitalised(Pick(spanish)) + value,
                2 => L33t(random, value.ToLowerInvariant()) + random.Next(100).ToString(CultureInfo.InvariantCulture),
                _ => value + Symbols[random.Next(Symbols.Length)] + personal[random.Next(personal.Length)],
            };
            corpus.Add((password, Kind.Personal));
        }

        return corpus;
    }

    private static string Decorate(Random random, string word) => random.Next(8) switch
    {
        0 => word,
        1 => Capitalised(word),
        2 => Capitalised(word) + random.Next(10).ToString(CultureInfo.InvariantCulture) + Symbols[random.Next(Symbols.Length)],
        3 => word + random.Next(1950, 2031).ToString(CultureInfo.InvariantCulture),
        4 => Capitalised(word) + random.Next(1000).ToString(CultureInfo.InvariantCulture),
        5 => word.ToUpperInvariant() + Symbols[random.Next(Symbols.Length)],
        6 => Capitalised(word) + Date(random),
        _ => Symbols[random.Next(Symbols.Length)] + word + random.Next(100).ToString("00", CultureInfo.InvariantCulture),
    };

    private static string L33t(Random random, string word)
    {
        var sb = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            var at = L33tFrom.IndexOf(c);
            sb.Append(at >= 0 && random.Next(3) > 0 ? L33tTo[at] : c);
        }

        return sb.ToString();
    }

    private static string Date(Random random)
    {
        var day = random.Next(1, 32);
        var month = random.Next(1, 13);
        var year = random.Next(1930, 2030);
        var separator = "/-. _"[random.Next(5)];
        return random.Next(6) switch
        {
            0 => $"{day:00}{month:00}{year}",
            1 => $"{day:00}{month:00}{year % 100:00}",
            2 => $"{day}{separator}{month}{separator}{year}",
            3 => $"{year}{separator}{month:00}{separator}{day:00}",
            4 => $"{day:00}{separator}{month:00}{separator}{year % 100:00}",
            _ => $"{year}",
        };
    }

    private static string Capitalised(string word) =>
        word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];
}

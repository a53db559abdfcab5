using System.Reflection;
using System.Text;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;
using Recovery.AuthServer.UnitTests.TestSupport;
using Xunit.Abstractions;
using Kind = Recovery.AuthServer.UnitTests.TestSupport.StrengthCorpus.Kind;

namespace Recovery.AuthServer.UnitTests.Passwords.Strength;

/// <summary>
/// The server's estimator against zxcvbn-core 1.1.17 set up as the server used it before: the same
/// lists, the same judgements. Over the corpus (more than ten thousand passwords drawn from the
/// server's lists) the levels agree within one step for at least 99 % of passwords, and a breached or
/// personal-data password is never rated above zxcvbn's level.
/// </summary>
public sealed class StrengthReferenceTests(StrengthReferenceTests.Comparison comparison, ITestOutputHelper output)
    : IClassFixture<StrengthReferenceTests.Comparison>
{
    public static TheoryData<string> EachPattern => new()
    {
        "qwertyuiop", "QWErty", "zxcvbnm,./", "1qaz2wsx3edc", "7894561230", "aoeuidhtns", "!@#$%^&*", // keyboard walks (qwerty, dvorak, keypad)
        "p@ssw0rd", "c0ntr4s3ñ4", "M4r1p0s4!", "l1ber7ad", "|nvierno", "4m0r3s", // l33t, ambiguous '1', '|', '7'
        "12/05/1985", "1985-05-12", "5.3.85", "140385", "14031985", "19850314", "99-12-31", "2019_1_1", // dates
        "aaaaaa", "zzzZZZ111", "abcdef", "fedcba", "ABCDEF", "#abcd", "1abc", "x0123", "890", // repeats and sequences
        "Contraseña", "contrasena", "Verano2023!", "Mariposa1!", "en un lugar de la mancha", // Spanish words and phrases
        "Cajamar2024!", "Sergio1985", "BARRIOS#gomez", "71234567z", // the bank and the customer
        "vQ7#mZp2&kLx9!", "Gx7#qLm2Vt9$wRz4Kp8a", "ÁéÍóÚ", "pass\nworD", // random characters and oddities
    };

    [Fact]
    public void EnglishLists_ShippedCopies_EqualZxcvbnCoreEmbeddedLists()
    {
        var package = typeof(Zxcvbn.Zxcvbn).GetTypeInfo().Assembly;
        foreach (var (name, shipped) in CommonPasswords.Dictionaries.English)
        {
            using var stream = package.GetManifestResourceStream($"zxcvbn-core.Dictionaries.{name}.lst");
            Assert.NotNull(stream);
            using var reader = new StreamReader(stream);
            var embedded = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                embedded.Add(line);
            }

            Assert.Equal(embedded, shipped);
        }
    }

    [Theory]
    [MemberData(nameof(EachPattern))]
    public void Entropy_EachPattern_EqualsZxcvbnCore(string password)
    {
        var expected = comparison.Reference.Evaluate(password, comparison.UserInputs);

        var entropy = CommonPasswords.DefaultEstimator.Entropy(password, comparison.UserInputs);

        // zxcvbn-core rounds the entropy it reports to three decimals.
        Assert.Equal(expected.Entropy, entropy, 0.0005);
        Assert.Equal(expected.Score + 1, (int)CommonPasswords.DefaultEstimator.Estimate(password, comparison.UserInputs));
    }

    [Fact]
    public void Estimate_Corpus_AgreesWithZxcvbnCoreWithinOneLevel()
    {
        var rows = comparison.Rows;
        var exact = rows.Count(r => r.Ours == r.Reference);
        var withinOne = rows.Count(r => Math.Abs(r.Ours - r.Reference) <= 1);
        var sameEntropy = rows.Count(r => Math.Abs(r.OurEntropy - r.ReferenceEntropy) <= 0.0005);
        output.WriteLine($"{rows.Count} passwords: same level {exact} ({100.0 * exact / rows.Count:F2} %), within one level {withinOne} ({100.0 * withinOne / rows.Count:F2} %), same entropy to zxcvbn's three decimals {sameEntropy} ({100.0 * sameEntropy / rows.Count:F2} %)");
        foreach (var r in rows.Where(r => r.Ours != r.Reference).Take(20))
        {
            output.WriteLine($"  differs: '{r.Password}' ours {r.Ours}, zxcvbn {r.Reference}");
        }

        Assert.True(rows.Count >= 10_000, $"The corpus has only {rows.Count} passwords.");
        Assert.True(withinOne >= rows.Count * 0.99, $"Only {withinOne} of {rows.Count} within one level.");

        // The estimator is a port, not an approximation: it is held to the same level too, so a drift shows.
        Assert.True(exact >= rows.Count * 0.99, $"Only {exact} of {rows.Count} at the same level.");
    }

    [Fact]
    public void Estimate_BreachedOrPersonalPassword_NeverAboveZxcvbnCore()
    {
        var guarded = comparison.Rows.Where(r => r.Kind is Kind.Breached or Kind.Personal).ToList();

        var higher = guarded.Where(r => r.Ours > r.Reference).Select(r => $"'{r.Password}' ours {r.Ours}, zxcvbn {r.Reference}").ToList();

        Assert.True(guarded.Count >= 2_000, $"Only {guarded.Count} breached or personal passwords.");
        Assert.Empty(higher);
    }

    /// <summary>Both estimators over the corpus, once for the class (zxcvbn-core takes about a millisecond a password).</summary>
    public sealed class Comparison
    {
        public Comparison()
        {
            var options = new PasswordPolicyOptions();
            Reference = new ZxcvbnReference(CommonPasswords.Dictionaries, options);
            UserInputs = PasswordPolicy.PersonalTokens(StrengthCorpus.Customer, options.BankWords);

            var breached = WordListFile.ReadEntries(Path.Combine(CommonPasswords.FindDataDirectory(), CommonPasswordList.FileName));
            var corpus = StrengthCorpus.Build(CommonPasswords.Dictionaries, breached);
            var rows = new Row[corpus.Count];
            Parallel.For(0, corpus.Count, k =>
            {
                var (raw, kind) = corpus[k];
                var password = raw.Normalize(NormalizationForm.FormKC);
                if (CommonPasswords.List.Contains(password))
                {
                    kind = Kind.Breached;
                }

                var reference = Reference.Evaluate(password, UserInputs);
                rows[k] = new Row(
                    password,
                    kind,
                    (int)CommonPasswords.DefaultEstimator.Estimate(password, UserInputs),
                    Math.Clamp(reference.Score, 0, 4) + 1,
                    CommonPasswords.DefaultEstimator.Entropy(password, UserInputs),
                    reference.Entropy);
            });
            Rows = rows;
        }

        internal ZxcvbnReference Reference { get; }

        internal IReadOnlyList<string> UserInputs { get; }

        internal IReadOnlyList<Row> Rows { get; }
    }

    internal sealed record Row(string Password, Kind Kind, int Ours, int Reference, double OurEntropy, double ReferenceEntropy);
}

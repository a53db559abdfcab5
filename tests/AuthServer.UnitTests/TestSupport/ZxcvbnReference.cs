using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Passwords.Strength;
using Zxcvbn;
using Zxcvbn.Matcher;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>
/// The reference the server's estimator is measured against: zxcvbn-core 1.1.17 set up exactly as the
/// server used it before it had its own estimator (the package's English lists from its embedded
/// resources, the bank's words, the Spanish lists, the server's three regular-expression matchers, and
/// the customer's data as "user_inputs").
/// </summary>
internal sealed class ZxcvbnReference : IMatcherFactory
{
    private readonly IMatcher[] shared;
    private readonly Zxcvbn.Zxcvbn zxcvbn;

    public ZxcvbnReference(StrengthDictionaries dictionaries, PasswordPolicyOptions options)
    {
        var ranked = new List<DictionaryMatcher>
        {
            new("passwords", "passwords.lst"),
            new("english", "english.lst"),
            new("male_names", "male_names.lst"),
            new("female_names", "female_names.lst"),
            new("surnames", "surnames.lst"),
            new("bank", options.BankWords.Select(w => TextFold.Fold(w)).ToArray()),
        };
        ranked.AddRange(dictionaries.Ranked.Select(kv => new DictionaryMatcher(kv.Key, kv.Value)));

        shared =
        [
            new RepeatMatcher(),
            new SequenceMatcher(),
            new RegexMatcher(@"\d{3,}", 10, true, "digits"),
            new RegexMatcher(@"19\d\d|20\d\d", 200, false, "year"),
            new RegexMatcher(@"[\s\-_.,;:+/]", 2, false, "separator"),
            new DateMatcher(),
            new SpatialMatcher(),
            .. ranked,
            new L33tMatcher(ranked),
        ];
        zxcvbn = new Zxcvbn.Zxcvbn(this);
    }

    /// <summary>The level zxcvbn-core gives (score 0–4 → VeryWeak … VeryStrong).</summary>
    public PasswordStrength Estimate(string password, IReadOnlyList<string> userInputs) =>
        password.Length == 0 ? PasswordStrength.VeryWeak : (PasswordStrength)(Math.Clamp(Evaluate(password, userInputs).Score, 0, 4) + 1);

    public Result Evaluate(string password, IReadOnlyList<string> userInputs) => zxcvbn.EvaluatePassword(password, userInputs);

    IEnumerable<IMatcher> IMatcherFactory.CreateMatchers(IEnumerable<string> userInputs) =>
        [new AllMatches(shared, new DictionaryMatcher("user_inputs", userInputs))];

    // Runs every matcher once: zxcvbn's search enumerates the matches once per password position.
    private sealed class AllMatches(IMatcher[] shared, IMatcher perCall) : IMatcher
    {
        public IEnumerable<Match> MatchPassword(string password)
        {
            var all = new List<Match>();
            foreach (var matcher in shared)
            {
                all.AddRange(matcher.MatchPassword(password));
            }

            all.AddRange(perCall.MatchPassword(password));
            return all;
        }
    }
}

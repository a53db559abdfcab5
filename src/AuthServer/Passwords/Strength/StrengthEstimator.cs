using Microsoft.Extensions.Options;
using Zxcvbn;
using Zxcvbn.Matcher;

namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// zxcvbn (zxcvbn-core 1.1.17, the entropy-based port) with Spanish dictionaries, the bank's words
/// and the customer's own data. Every matcher and ranked dictionary is built once, here, and shared
/// by all calls (they hold no per-call state); a call adds only a small dictionary of the customer's
/// data. The library's static <c>MatchPassword</c> rebuilds its dictionaries on every call, which
/// costs milliseconds per keystroke of the live meter; it is not used.
/// </summary>
public sealed class StrengthEstimator : IMatcherFactory
{
    private readonly IMatcher[] shared;
    private readonly Zxcvbn.Zxcvbn zxcvbn;

    public StrengthEstimator(StrengthDictionaries dictionaries, IOptions<PasswordPolicyOptions> options)
    {
        var ranked = new List<DictionaryMatcher>
        {
            // zxcvbn's own lists, embedded in the package.
            new("passwords", "passwords.lst"),
            new("english", "english.lst"),
            new("male_names", "male_names.lst"),
            new("female_names", "female_names.lst"),
            new("surnames", "surnames.lst"),

            // The bank's name is the first guess of anyone attacking its customers.
            new("bank", options.Value.BankWords.Select(TextFold.Fold).ToArray()),
        };
        ranked.AddRange(dictionaries.Ranked.Select(kv => new DictionaryMatcher(kv.Key, kv.Value)));

        shared =
        [
            new RepeatMatcher(),
            new SequenceMatcher(),
            new RegexMatcher(@"\d{3,}", 10, true, "digits"),

            // The package's year pattern stops at 2019; years up to 2099 are as guessable.
            new RegexMatcher(@"19\d\d|20\d\d", 200, false, "year"),

            // A separator between words is one of a handful of choices, not a random symbol: without
            // this, "en un lugar de la mancha" scores as if each space were a random character.
            new RegexMatcher(@"[\s\-_.,;:+/]", 2, false, "separator"),
            new DateMatcher(),
            new SpatialMatcher(),
            .. ranked,
            new L33tMatcher(ranked),
        ];
        zxcvbn = new Zxcvbn.Zxcvbn(this);

        // Build the lazily loaded dictionaries now, at start-up, not on the first customer's keystroke.
        Estimate("warm-up Contraseña1!", ["warm-up"]);
    }

    /// <summary>The level of <paramref name="password"/> (already NFKC-normalised) given the customer's data.</summary>
    public PasswordStrength Estimate(string password, IReadOnlyList<string> userInputs)
    {
        if (password.Length == 0)
        {
            return PasswordStrength.VeryWeak;
        }

        var result = zxcvbn.EvaluatePassword(password, userInputs);
        return (PasswordStrength)(Math.Clamp(result.Score, 0, 4) + 1);
    }

    IEnumerable<IMatcher> IMatcherFactory.CreateMatchers(IEnumerable<string> userInputs) =>
        [new AllMatches(shared, new DictionaryMatcher("user_inputs", userInputs))];

    /// <summary>
    /// Runs every matcher once and hands zxcvbn one list: its search enumerates the matches once per
    /// password position, and some matchers answer with lazy sequences that would run again each time.
    /// </summary>
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

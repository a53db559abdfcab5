using System.Text;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Passwords.Strength;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Judges a candidate password. The live meter (EvaluatePassword) and the final check
/// (ChangePassword) both call <see cref="Evaluate"/>, so the customer never sees "Fuerte" and then a
/// refusal for strength. Reuse is checked separately because it needs the stored hashes.
/// </summary>
public sealed class PasswordPolicy(IOptions<PasswordPolicyOptions> options, CommonPasswordList commonPasswords, StrengthEstimator estimator)
{
    // The estimator's search grows with the square of the length; beyond this the estimate adds nothing
    // (and the maximum-length rule, at most 64, refuses the password anyway).
    private const int EstimatorMaxLength = 64;
    private const int MinPersonalTokenLength = 4;

    public PasswordPolicyOptions Options => options.Value;

    public PasswordEvaluation Evaluate(string password, PersonalData personal)
    {
        var o = options.Value;

        // Text that cannot be normalised (malformed UTF-16, noncharacters such as U+FFFE) is refused as a
        // rule, not thrown as an error.
        if (!UnicodeText.CanNormalize(password))
        {
            return new PasswordEvaluation(PasswordStrength.VeryWeak, [new(PasswordRule.Characters, true)]);
        }

        var normalized = password.Normalize(NormalizationForm.FormKC);
        var length = CountCodePoints(normalized);
        var unmet = new List<RuleResult>();

        if (normalized.Any(char.IsControl))
        {
            unmet.Add(new(PasswordRule.Characters, true));
        }

        if (length < o.MinLength)
        {
            unmet.Add(new(PasswordRule.MinLength, true));
        }

        if (length > o.MaxLength)
        {
            unmet.Add(new(PasswordRule.MaxLength, true));
        }

        // "te quiero mucho" is the breached "tequieromucho" with spaces: a phrase is checked both ways.
        var common = commonPasswords.Contains(normalized) || commonPasswords.Contains(WithoutWhiteSpace(normalized));
        if (common)
        {
            unmet.Add(new(PasswordRule.CommonPassword, true));
        }

        var tokens = PersonalTokens(personal, o.BankWords);
        var containsPersonal = ContainsAny(normalized, tokens);
        if (containsPersonal)
        {
            unmet.Add(new(PasswordRule.PersonalData, true));
        }

        var strength = Estimate(normalized, length, tokens);
        if (common)
        {
            strength = PasswordStrength.VeryWeak;
        }
        else if (containsPersonal && strength > PasswordStrength.Weak)
        {
            strength = PasswordStrength.Weak;
        }
        else if (length < o.MinLength && strength > PasswordStrength.Weak)
        {
            strength = PasswordStrength.Weak;
        }

        if (strength < o.MinimumStrength)
        {
            unmet.Add(new(PasswordRule.Strength, true));
        }

        if (!(normalized.Any(char.IsUpper) && normalized.Any(char.IsLower)))
        {
            unmet.Add(new(PasswordRule.MixedCase, false));
        }

        if (!normalized.Any(char.IsDigit))
        {
            unmet.Add(new(PasswordRule.Digit, false));
        }

        if (!normalized.Any(c => !char.IsLetterOrDigit(c) && !char.IsWhiteSpace(c)))
        {
            unmet.Add(new(PasswordRule.Symbol, false));
        }

        return new PasswordEvaluation(strength, unmet);
    }

    public static int CountCodePoints(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private PasswordStrength Estimate(string password, int length, IReadOnlyList<string> userInputs)
    {
        if (length == 0)
        {
            return PasswordStrength.VeryWeak;
        }

        if (length > EstimatorMaxLength)
        {
            return PasswordStrength.VeryStrong;
        }

        return estimator.Estimate(password, userInputs);
    }

    private static string WithoutWhiteSpace(string s) =>
        s.Any(char.IsWhiteSpace) ? string.Concat(s.Where(c => !char.IsWhiteSpace(c))) : s;

    /// <summary>The customer's data and the bank's words as the estimator's user inputs: folded, four characters or more, distinct.</summary>
    internal static List<string> PersonalTokens(PersonalData personal, IEnumerable<string> bankWords) =>
        personal.Values.Concat(bankWords)
            .Where(UnicodeText.CanNormalize) // a value stored before the door refused such text must not break the check
            .Select(TextFold.Fold)
            .Where(t => t.Length >= MinPersonalTokenLength)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static bool ContainsAny(string password, List<string> tokens)
    {
        if (tokens.Count == 0)
        {
            return false;
        }

        // '1' and '|' stand for both i and l, so two readings are tried.
        var folded = TextFold.Fold(password);
        string[] readings = [folded, Unleet(folded, 'i'), Unleet(folded, 'l')];
        return tokens.Any(t => readings.Any(r => r.Contains(t, StringComparison.Ordinal)));
    }

    private static string Unleet(string s, char one) => string.Create(s.Length, (s, one), static (span, state) =>
    {
        var (src, oneAs) = state;
        for (var i = 0; i < src.Length; i++)
        {
            span[i] = src[i] switch
            {
                '0' => 'o',
                '1' or '|' => oneAs,
                '!' => 'i',
                '3' => 'e',
                '4' or '@' => 'a',
                '5' or '$' => 's',
                '7' => 't',
                _ => src[i],
            };
        }
    });
}

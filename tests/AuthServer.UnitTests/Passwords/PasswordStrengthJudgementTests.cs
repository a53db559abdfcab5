using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

/// <summary>
/// What a careful bank accepts and refuses, with the rule it names: the table of issue 3. The live
/// meter and ChangePassword share <see cref="PasswordPolicy.Evaluate"/>, so this is what both show.
/// The customer is SERGIO BARRIOS GÓMEZ, document 12345678Z; the bank is Cajamar.
/// </summary>
public class PasswordStrengthJudgementTests
{
    private const int Default = 20;
    private const int Raised = 64; // the highest maximum the configuration allows

    private static readonly PersonalData Customer = new(["71234567", "12345678Z", "sbarrios", "SERGIO", "BARRIOS", "GÓMEZ", "612345331", "12345678", "14031985", "1985"]);

    public static TheoryData<string, int, PasswordStrength> Accepted => new()
    {
        { "vQ7#mZp2&kLx9!", Default, PasswordStrength.VeryStrong }, // random characters
        { "tapir ocre nube fria", Default, PasswordStrength.VeryStrong }, // four random words, fits in 20
        { "Tq81xz!Ventana", Default, PasswordStrength.VeryStrong }, // one word is fine beside random characters
        { "zorro ámbar pelo tijera", Raised, PasswordStrength.VeryStrong },
        { "correcto caballo batería grapa", Raised, PasswordStrength.VeryStrong }, // Spanish "correct horse battery staple"
        { "tortuga ladrillo nieve sombrero pino", Raised, PasswordStrength.VeryStrong }, // five random words
        { "Tortuga-Ladrillo-Nieve", Raised, PasswordStrength.VeryStrong },
    };

    public static TheoryData<string, int, PasswordRule> Refused => new()
    {
        // The bank's name with a year, however written.
        { "Cajamar2024!", Default, PasswordRule.PersonalData },
        { "C4j4m4r#2025", Default, PasswordRule.PersonalData },

        // Spanish words with a digit and a symbol: the first thing a guesser tries.
        { "Verano2023!", Default, PasswordRule.Strength },
        { "Mariposa1!", Default, PasswordRule.Strength },
        { "Contraseña1#", Default, PasswordRule.Strength },
        { "Contrasena1#", Default, PasswordRule.Strength },
        { "Barcelona2024!", Default, PasswordRule.Strength },
        { "Primavera2020$", Default, PasswordRule.Strength },
        { "Madrid2023*", Default, PasswordRule.Strength },
        { "RealMadrid#1", Default, PasswordRule.Strength },
        { "Perro2019!", Default, PasswordRule.Strength },
        { "P@ssw0rd2024", Default, PasswordRule.Strength }, // l33t does not hide a word

        // Keyboard walks.
        { "qwerty123!", Default, PasswordRule.Strength },
        { "asdfghjkl", Default, PasswordRule.CommonPassword },
        { "1qaz2wsx3edc", Default, PasswordRule.CommonPassword },
        { "zxcvbnm,./", Default, PasswordRule.Strength },

        // Breached passwords, also when typed as a phrase.
        { "password1", Default, PasswordRule.CommonPassword },
        { "iloveyou", Default, PasswordRule.CommonPassword },
        { "princesa", Default, PasswordRule.CommonPassword },
        { "te quiero mucho", Default, PasswordRule.CommonPassword },

        // Famous phrases are made of the most frequent words.
        { "la casa de papel", Default, PasswordRule.Strength },
        { "cien años de soledad", Default, PasswordRule.Strength },
        { "yo soy tu padre", Default, PasswordRule.Strength },
        { "en un lugar de la mancha", Raised, PasswordRule.Strength },

        // The customer's own name, document or birth year.
        { "Sergio1985!", Default, PasswordRule.PersonalData },
        { "Barrios#2024", Default, PasswordRule.PersonalData },
        { "Gomez!Tq81xz", Default, PasswordRule.PersonalData },
        { "12345678Z!a", Default, PasswordRule.PersonalData },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Evaluate_StrongPassword_AcceptedAtItsLevel(string password, int maxLength, PasswordStrength level)
    {
        var evaluation = CommonPasswords.Policy(new PasswordPolicyOptions { MaxLength = maxLength }).Evaluate(password, Customer);

        Assert.True(evaluation.Acceptable, string.Join(",", evaluation.FailedRequired));
        Assert.Equal(level, evaluation.Strength);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Evaluate_GuessablePassword_RefusedNamingTheRule(string password, int maxLength, PasswordRule rule)
    {
        var evaluation = CommonPasswords.Policy(new PasswordPolicyOptions { MaxLength = maxLength }).Evaluate(password, Customer);

        Assert.False(evaluation.Acceptable);
        Assert.Contains(rule, evaluation.FailedRequired);
        Assert.True(evaluation.Strength < PasswordStrength.Strong, $"{password}: the meter shows {evaluation.Strength} for a refused password.");
    }

    [Fact]
    public void Evaluate_FamousPhraseOverTheDefaultMaximum_RefusedForLength()
    {
        // Known limit, written down in docs/security.md: zxcvbn ranks words one by one, so a famous
        // phrase built of rarer words scores like a random one. The default maximum of 20 keeps most
        // such phrases out; this one is refused for its length, not its strength.
        var evaluation = CommonPasswords.Policy().Evaluate("don quijote de la mancha", Customer);

        Assert.Equal([PasswordRule.MaxLength], evaluation.FailedRequired);
    }
}

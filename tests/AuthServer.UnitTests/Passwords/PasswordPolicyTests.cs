using Microsoft.Extensions.Options;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;
using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.UnitTests.Passwords;

public class PasswordPolicyTests
{
    private const string Strong = "vQ7#mZp2&kLx9!";
    private const string Key = "\U0001F511"; // 🔑: one code point, two UTF-16 units

    private static readonly CustomerRecord Customer = SeedCustomerRecord.With() with { BirthDate = new DateOnly(1985, 3, 14) };

    private static readonly PersonalData Personal = CustomerPersonalData.Of(Customer);

    private static PasswordPolicy Policy(PasswordPolicyOptions? options = null) => CommonPasswords.Policy(options);

    [Fact]
    public void Evaluate_LongRandomPassword_AcceptedStrongOrBetter()
    {
        var evaluation = Policy().Evaluate(Strong, Personal);

        Assert.True(evaluation.Acceptable);
        Assert.Empty(evaluation.Unmet);
        Assert.True(evaluation.Strength >= PasswordStrength.Strong, evaluation.Strength.ToString());
    }

    [Fact]
    public void Evaluate_LowerCasePassphraseWithoutDigitsOrSymbols_AcceptedWithRecommendationsOnly()
    {
        var evaluation = Policy().Evaluate("tapir ocre nube fria", PersonalData.None);

        Assert.True(evaluation.Acceptable);
        Assert.True(evaluation.Strength >= PasswordStrength.Strong);
        Assert.Equal(
            [new RuleResult(PasswordRule.MixedCase, false), new RuleResult(PasswordRule.Digit, false), new RuleResult(PasswordRule.Symbol, false)],
            evaluation.Unmet);
        Assert.Empty(evaluation.FailedRequired);
    }

    [Fact]
    public void Evaluate_SevenCharacters_RefusedWithMinLength()
    {
        var evaluation = Policy().Evaluate("Gx7#qLm", PersonalData.None);

        Assert.False(evaluation.Acceptable);
        Assert.Contains(PasswordRule.MinLength, evaluation.FailedRequired);
        Assert.True(evaluation.Strength <= PasswordStrength.Weak);
    }

    [Fact]
    public void Evaluate_EightCodePointsEndingInEmoji_EmojiCountsAsOne()
    {
        var password = "Gx7#qLm" + Key;
        Assert.Equal(9, password.Length);

        var evaluation = Policy().Evaluate(password, PersonalData.None);

        Assert.Equal(8, PasswordPolicy.CountCodePoints(password));
        Assert.DoesNotContain(PasswordRule.MinLength, evaluation.FailedRequired);
    }

    [Fact]
    public void Evaluate_TwentyCodePointsWithEmoji_NotRefusedForMaxLength()
    {
        var password = "Gx7#qLm2Vt9$wRz4Kp8" + Key; // 19 + 1 code points, 21 UTF-16 units
        Assert.Equal(21, password.Length);

        var evaluation = Policy().Evaluate(password, PersonalData.None);

        Assert.DoesNotContain(PasswordRule.MaxLength, evaluation.FailedRequired);
        Assert.True(evaluation.Acceptable);
    }

    [Fact]
    public void Evaluate_TwentyOneCharacters_RefusedWithMaxLengthNotTruncated()
    {
        var password = "Gx7#qLm2Vt9$wRz4Kp8aB";
        Assert.Equal(21, password.Length);

        var evaluation = Policy().Evaluate(password, PersonalData.None);

        Assert.False(evaluation.Acceptable);
        Assert.Equal([PasswordRule.MaxLength], evaluation.FailedRequired);
        Assert.True(Policy().Evaluate(password[..20], PersonalData.None).Acceptable);
    }

    [Fact]
    public void Evaluate_LengthCountedAfterNfkc_LigatureCountsAsTwo()
    {
        // "ﬁ" (U+FB01) is one code point typed, two ("fi") after NFKC: 19 + 2 = 21.
        var password = "Gx7#qLm2Vt9$wRz4Kp8\uFB01";
        Assert.Equal(20, PasswordPolicy.CountCodePoints(password));

        var evaluation = Policy().Evaluate(password, PersonalData.None);

        Assert.Contains(PasswordRule.MaxLength, evaluation.FailedRequired);
    }

    [Fact]
    public void Evaluate_ConfiguredMaximum_IsHonoured()
    {
        var password = "Gx7#qLm2Vt9$wRz4Kp8aBcD3"; // 24
        var policy = Policy(new PasswordPolicyOptions { MaxLength = 64 });

        Assert.True(policy.Evaluate(password, PersonalData.None).Acceptable);
        Assert.Contains(PasswordRule.MaxLength, Policy().Evaluate(password, PersonalData.None).FailedRequired);
    }

    [Theory]
    [InlineData("password1")]
    [InlineData("qwerty123")]
    [InlineData("Qwerty123")]
    [InlineData("PASSWORD1")]
    public void Evaluate_CommonPassword_RefusedWithCommonPasswordAndVeryWeak(string password)
    {
        var evaluation = Policy().Evaluate(password, PersonalData.None);

        Assert.False(evaluation.Acceptable);
        Assert.Contains(PasswordRule.CommonPassword, evaluation.FailedRequired);
        Assert.Equal(PasswordStrength.VeryWeak, evaluation.Strength);
    }

    [Theory]
    [InlineData("sergio#Tq81xzR")] // first name
    [InlineData("Tq81xz!Barrios")] // surname
    [InlineData("Tq81xz!Gomez")] // surname written without its accent
    [InlineData("Tq81xz!GÓMEZ")] // surname as stored
    [InlineData("Kq!612345331")] // phone
    [InlineData("Kq!34612345331")] // phone with country code
    [InlineData("Tq#12345678Zx")] // document
    [InlineData("Tq#x12345678")] // document digits
    [InlineData("Qx!71234567w")] // user code
    [InlineData("Tq#14031985x")] // birth date ddMMyyyy
    [InlineData("Tq#19850314x")] // birth date yyyyMMdd
    [InlineData("Tq#140385xWv")] // birth date ddMMyy
    [InlineData("Sbarrios!Tq8")] // e-mail local part
    [InlineData("cajamar!Tq81xz")] // the bank
    [InlineData("CAJAMAR!Tq81xz")]
    [InlineData("Cajamár!Tq81xz")]
    [InlineData("C4jamar!Tq81xz")]
    [InlineData("Caj@m4r!Tq81xz")]
    public void Evaluate_ContainsPersonalData_RefusedWithPersonalDataAndAtMostWeak(string password)
    {
        var evaluation = Policy().Evaluate(password, Personal);

        Assert.False(evaluation.Acceptable);
        Assert.Contains(PasswordRule.PersonalData, evaluation.FailedRequired);
        Assert.True(evaluation.Strength <= PasswordStrength.Weak, evaluation.Strength.ToString());
    }

    [Theory]
    [InlineData("Migue1!Tq81xz")] // 1 read as l
    [InlineData("M1guel!Tq81xz")] // 1 read as i
    public void Evaluate_DigitOneStandingForIOrL_RecognisedAsPersonalData(string password)
    {
        Assert.Contains(PasswordRule.PersonalData, Policy().Evaluate(password, new PersonalData(["MIGUEL"])).FailedRequired);
    }

    [Fact]
    public void Evaluate_BankWordWithoutPersonalData_StillRefused()
    {
        Assert.Contains(PasswordRule.PersonalData, Policy().Evaluate("xQ!cajamar7Tz", PersonalData.None).FailedRequired);
    }

    [Fact]
    public void Evaluate_ConfiguredBankWords_AreUsed()
    {
        var policy = Policy(new PasswordPolicyOptions { BankWords = ["ebcc", "bancoeuropa"] });

        Assert.Contains(PasswordRule.PersonalData, policy.Evaluate("xQ!ebcc7Tz#m", PersonalData.None).FailedRequired);
        Assert.DoesNotContain(PasswordRule.PersonalData, policy.Evaluate("xQ!cajamar7Tz", PersonalData.None).FailedRequired);
    }

    [Fact]
    public void Evaluate_StrongPasswordWithoutThatCustomersData_Accepted()
    {
        // The same shapes as the personal-data cases, with nobody's data in them.
        Assert.True(Policy().Evaluate("Tq81xz!Ventana", Personal).Acceptable);
    }

    [Theory]
    [InlineData("Aaaaaaaa1")]
    [InlineData("Summer2024")]
    [InlineData("Perro2019!")]
    public void Evaluate_WeakPassword_RefusedWithStrength(string password)
    {
        var evaluation = Policy().Evaluate(password, PersonalData.None);

        Assert.False(evaluation.Acceptable);
        Assert.Contains(PasswordRule.Strength, evaluation.FailedRequired);
        Assert.True(evaluation.Strength < PasswordStrength.Strong);
    }

    [Fact]
    public void Evaluate_MinimumStrengthLowered_AcceptsAWeakButLongEnoughPassword()
    {
        var policy = Policy(new PasswordPolicyOptions { MinimumStrength = PasswordStrength.VeryWeak });

        Assert.True(policy.Evaluate("Perro2019!", PersonalData.None).Acceptable);
    }

    [Fact]
    public void Evaluate_ControlCharacter_RefusedWithCharacters()
    {
        var evaluation = Policy().Evaluate("vQ7#mZp2\u0007kLx9!", PersonalData.None);

        Assert.Contains(PasswordRule.Characters, evaluation.FailedRequired);
    }

    [Fact]
    public void Evaluate_LoneSurrogate_RefusedWithCharactersNotAnException()
    {
        // The policy has a Characters rule for ill-formed UTF-16; it must be reported, not thrown.
        var evaluation = Policy().Evaluate("vQ7#mZp2\uD800kLx9!", PersonalData.None);

        Assert.Contains(PasswordRule.Characters, evaluation.FailedRequired);
    }

    [Fact]
    public void Evaluate_Empty_RefusedVeryWeak()
    {
        var evaluation = Policy().Evaluate(string.Empty, PersonalData.None);

        Assert.Equal(PasswordStrength.VeryWeak, evaluation.Strength);
        Assert.Contains(PasswordRule.MinLength, evaluation.FailedRequired);
    }

    [Fact]
    public void PersonalDataOf_Customer_HoldsEachPieceOfData()
    {
        Assert.Subset(
            new HashSet<string>(["71234567", "12345678Z", "sbarrios", "SERGIO", "BARRIOS", "GÓMEZ", "34612345331", "612345331", "12345678", "14031985", "140385", "19850314", "1985"]),
            new HashSet<string>(Personal.Values));
    }

    [Fact]
    public void PersonalDataOf_CustomerWithoutBirthDate_HasNoDates()
    {
        var values = CustomerPersonalData.Of(Customer with { BirthDate = null }).Values;

        Assert.DoesNotContain("1985", values);
        Assert.Contains("SERGIO", values);
    }
}

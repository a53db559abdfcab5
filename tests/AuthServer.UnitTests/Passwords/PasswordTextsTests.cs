using Recovery.AuthServer.Common;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.UnitTests.Passwords;

public class PasswordTextsTests
{
    [Theory]
    [InlineData(PasswordStrength.VeryWeak, "Muy débil", "Very weak")]
    [InlineData(PasswordStrength.Weak, "Débil", "Weak")]
    [InlineData(PasswordStrength.Medium, "Media", "Medium")]
    [InlineData(PasswordStrength.Strong, "Fuerte", "Strong")]
    [InlineData(PasswordStrength.VeryStrong, "Muy fuerte", "Very strong")]
    public void Label_EachLevel_SpanishAndEnglish(PasswordStrength strength, string spanish, string english)
    {
        Assert.Equal(spanish, PasswordTexts.Label(strength, Language.Spanish));
        Assert.Equal(english, PasswordTexts.Label(strength, Language.English));
    }

    [Fact]
    public void Message_LengthRules_QuoteTheConfiguredLimits()
    {
        var policy = new PasswordPolicyOptions { MinLength = 10, MaxLength = 32 };

        Assert.Equal("Debe tener al menos 10 caracteres.", PasswordTexts.Message(PasswordRule.MinLength, Language.Spanish, policy));
        Assert.Equal("Debe tener como máximo 32 caracteres.", PasswordTexts.Message(PasswordRule.MaxLength, Language.Spanish, policy));
        Assert.Equal("Use at least 10 characters.", PasswordTexts.Message(PasswordRule.MinLength, Language.English, policy));
        Assert.Equal("Use at most 32 characters.", PasswordTexts.Message(PasswordRule.MaxLength, Language.English, policy));
    }

    [Fact]
    public void Message_Strength_NamesTheMinimumLevel()
    {
        var policy = new PasswordPolicyOptions();

        Assert.Contains("\"Fuerte\"", PasswordTexts.Message(PasswordRule.Strength, Language.Spanish, policy), StringComparison.Ordinal);
        Assert.Contains("\"Strong\"", PasswordTexts.Message(PasswordRule.Strength, Language.English, policy), StringComparison.Ordinal);
    }

    [Fact]
    public void Message_Recommendations_SayRecommend()
    {
        var policy = new PasswordPolicyOptions();
        foreach (var rule in new[] { PasswordRule.MixedCase, PasswordRule.Digit, PasswordRule.Symbol })
        {
            Assert.StartsWith("Le recomendamos", PasswordTexts.Message(rule, Language.Spanish, policy), StringComparison.Ordinal);
            Assert.StartsWith("We recommend", PasswordTexts.Message(rule, Language.English, policy), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Message_EveryRule_HasADistinctTextInEachLanguage()
    {
        var policy = new PasswordPolicyOptions();
        foreach (var language in new[] { Language.Spanish, Language.English })
        {
            var texts = Enum.GetValues<PasswordRule>().Select(r => PasswordTexts.Message(r, language, policy)).ToList();
            Assert.Equal(texts.Count, texts.Distinct().Count());
        }
    }
}

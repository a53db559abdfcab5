using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.UnitTests.Common;

public class LanguagesTests
{
    [Theory]
    [InlineData(null, Language.Spanish)]
    [InlineData("", Language.Spanish)]
    [InlineData("es-ES", Language.Spanish)]
    [InlineData("ES", Language.Spanish)]
    [InlineData("en", Language.English)]
    [InlineData("en-GB", Language.English)]
    public void TryParse_Supported_ReturnsTrue(string? tag, Language expected)
    {
        Assert.True(Languages.TryParse(tag, out var language));
        Assert.Equal(expected, language);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("ca-ES")]
    [InlineData("english")]
    public void TryParse_Unsupported_ReturnsFalse(string tag)
    {
        Assert.False(Languages.TryParse(tag, out _));
    }

    [Fact]
    public void FromTag_Unknown_IsSpanishAndTagRoundTrips()
    {
        Assert.Equal(Language.Spanish, Languages.FromTag("de-DE"));
        Assert.Equal("es-ES", Language.Spanish.Tag());
        Assert.Equal("en", Language.English.Tag());
        Assert.Equal(Language.English, Languages.FromTag(Language.English.Tag()));
    }
}

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Cards;

public class CardValidatorTests
{
    private readonly FakeTimeProvider time = TestClock.Create(); // 2026-11-26

    private CardValidator Validator(params string[] prefixes) =>
        new(Options.Create(prefixes.Length == 0 ? new CardOptions() : new CardOptions { IssuerPrefixes = prefixes }), time);

    [Theory]
    [InlineData("4548812044110335")]
    [InlineData("5403751077331015")]
    [InlineData("4917610000123455")]
    [InlineData("4548 8120 4411 0335")]
    public void Validate_DemoCardWithFutureExpiry_ReturnsDigitsAndExpiry(string number)
    {
        var outcome = Validator().Validate(number, "12/28");

        Assert.True(outcome.IsSuccess);
        Assert.Equal(number.Replace(" ", string.Empty, StringComparison.Ordinal), outcome.Value.Digits);
        Assert.Equal(new CardExpiry(2028, 12), outcome.Value.Expiry);
    }

    [Theory]
    [InlineData("454881204411")] // 12 digits
    [InlineData("45488120441103350000")] // 20 digits
    [InlineData("4548-8120-4411-033x")]
    [InlineData("")]
    [InlineData(null)]
    public void Validate_WrongLengthOrCharacters_ReportsCardNumberLength(string? number)
    {
        var violation = Assert.Single(Violations(Validator().Validate(number, "12/28")));

        Assert.Equal("card_number", violation.Field);
        Assert.Equal("CARD_NUMBER_LENGTH", violation.Reason);
        Assert.Contains("13-19", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ThirteenDigitLuhnValidCard_IsAccepted()
    {
        Assert.True(Validator().Validate("4222222222222", "12/28").IsSuccess);
    }

    [Fact]
    public void Validate_NineteenDigitLuhnValidCard_IsAccepted()
    {
        var nineteen = WithCheckDigit("454881204411033500");
        Assert.Equal(19, nineteen.Length);

        Assert.True(Validator().Validate(nineteen, "12/28").IsSuccess);
    }

    [Fact]
    public void Validate_LuhnInvalid_ReportsCardNumberLuhn()
    {
        var violation = Assert.Single(Violations(Validator().Validate("4548812044110336", "12/28")));

        Assert.Equal("card_number", violation.Field);
        Assert.Equal("CARD_NUMBER_LUHN", violation.Reason);
    }

    [Theory]
    [InlineData("378282246310005")] // Amex, Luhn-valid
    [InlineData("6011111111111117")] // Discover, Luhn-valid
    public void Validate_OtherIssuerWithDefaultPrefixes_ReportsCardIssuer(string number)
    {
        var violation = Assert.Single(Violations(Validator().Validate(number, "12/28")));

        Assert.Equal("card_number", violation.Field);
        Assert.Equal("CARD_ISSUER", violation.Reason);
        Assert.Contains("4 or 5", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConfiguredPrefixes_AcceptOnlyThose()
    {
        var validator = Validator("54");

        Assert.True(validator.Validate("5403751077331015", "12/28").IsSuccess);
        var refused = Assert.Single(Violations(validator.Validate("4548812044110335", "12/28")));
        Assert.Equal("CARD_ISSUER", refused.Reason);
        Assert.Contains("54", refused.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("13/27")]
    [InlineData("00/27")]
    [InlineData("1/27")]
    [InlineData("01/2027")]
    [InlineData("0127")]
    [InlineData("01-27")]
    [InlineData("ab/cd")]
    [InlineData("+1/27")]
    [InlineData("")]
    [InlineData(null)]
    public void Validate_BadExpiryFormat_ReportsCardExpiryFormat(string? expiry)
    {
        var violation = Assert.Single(Violations(Validator().Validate("4548812044110335", expiry)));

        Assert.Equal("card_expiry", violation.Field);
        Assert.Equal("CARD_EXPIRY_FORMAT", violation.Reason);
    }

    [Theory]
    [InlineData("10/26")]
    [InlineData("12/25")]
    [InlineData("01/26")]
    public void Validate_PastMonth_ReportsCardExpired(string expiry)
    {
        var violation = Assert.Single(Violations(Validator().Validate("4548812044110335", expiry)));

        Assert.Equal("card_expiry", violation.Field);
        Assert.Equal("CARD_EXPIRED", violation.Reason);
    }

    [Theory]
    [InlineData("11/26")]
    [InlineData(" 11/26 ")]
    [InlineData("12/26")]
    public void Validate_CurrentOrLaterMonth_IsAccepted(string expiry)
    {
        Assert.True(Validator().Validate("4548812044110335", expiry).IsSuccess);
    }

    [Fact]
    public void Validate_LastDayOfExpiryMonth_IsStillAccepted()
    {
        time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 22, 0, 0, TimeSpan.Zero)); // 23:00 in Madrid

        Assert.True(Validator().Validate("4548812044110335", "11/26").IsSuccess);
    }

    [Fact]
    public void Validate_MidnightInSpainButStillNovemberInUtc_ReportsExpired()
    {
        // 23:30 UTC on 30 November is 00:30 on 1 December in Madrid: the November card has expired there.
        time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero));

        var violation = Assert.Single(Violations(Validator().Validate("4548812044110335", "11/26")));

        Assert.Equal("CARD_EXPIRED", violation.Reason);
    }

    [Fact]
    public void Validate_BadNumberAndBadExpiry_ReportsBoth()
    {
        var violations = Violations(Validator().Validate("4548812044110336", "13/26"));

        Assert.Equal(2, violations.Count);
        Assert.Equal(("card_number", "CARD_NUMBER_LUHN"), (violations[0].Field, violations[0].Reason));
        Assert.Equal(("card_expiry", "CARD_EXPIRY_FORMAT"), (violations[1].Field, violations[1].Reason));
    }

    [Fact]
    public void Validate_CustomFieldNames_AreUsedInViolations()
    {
        var violations = Violations(Validator().Validate("1", "99/99", "card", "expiry"));

        Assert.Equal(["card", "expiry"], violations.Select(v => v.Field));
    }

    [Fact]
    public void Validate_Failure_IsInvalidArgumentWithInvalidFieldsReason()
    {
        var outcome = Validator().Validate("4548812044110336", "12/28");

        Assert.False(outcome.IsSuccess);
        Assert.Equal(FailureKind.InvalidArgument, outcome.Failure.Kind);
        Assert.Equal(ErrorReasons.InvalidFields, outcome.Failure.Reason);
        Assert.DoesNotContain("4548812044110336", outcome.Failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("01/27", 2027, 1)]
    [InlineData("12/99", 2099, 12)]
    public void CardExpiryTryParse_Valid_ReadsYearAndMonth(string text, int year, int month)
    {
        Assert.True(CardExpiry.TryParse(text, out var expiry));
        Assert.Equal(new CardExpiry(year, month), expiry);
        Assert.Equal(text, expiry.ToString());
    }

    private static IReadOnlyList<FieldViolation> Violations(Outcome<CardCheck> outcome)
    {
        Assert.False(outcome.IsSuccess);
        return outcome.Failure.Violations;
    }

    private static string WithCheckDigit(string body)
    {
        for (var d = '0'; d <= '9'; d++)
        {
            if (CardNumber.PassesLuhn(body + d))
            {
                return body + d;
            }
        }

        throw new InvalidOperationException("No check digit.");
    }
}

using Grpc.Core;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class RequestValidatorTests
{
    private const string GoodId = "AAAAAAAAAAAAAAAAAAAAAA";

    [Fact]
    public void ThrowIfInvalid_SeveralBadFields_ListsEveryOneInOrder()
    {
        var validator = new RequestValidator()
            .Required("card_number", string.Empty, 40)
            .Required("document_id", new string('9', 33), 32)
            .Optional("client_note", new string('x', 11), 10)
            .Id("recovery_id", "not/an id")
            .Digits("sms_code", "12a456", 6, 6)
            .Language("language", "fr-FR", out _);

        var ex = Assert.Throws<FailureException>(validator.ThrowIfInvalid);

        Assert.Equal(FailureKind.InvalidArgument, ex.Failure.Kind);
        Assert.Equal(ErrorReasons.InvalidFields, ex.Failure.Reason);
        Assert.Equal(
            [
                ("card_number", "REQUIRED"),
                ("document_id", "TOO_LONG"),
                ("client_note", "TOO_LONG"),
                ("recovery_id", "MALFORMED"),
                ("sms_code", "CODE_FORMAT"),
                ("language", "UNSUPPORTED_LANGUAGE"),
            ],
            ex.Failure.Violations.Select(v => (v.Field, v.Reason)));
    }

    [Fact]
    public void ThrowIfInvalid_AllGood_DoesNotThrowAndParsesLanguage()
    {
        var validator = new RequestValidator()
            .Required("card_number", "4548812044110335", 40)
            .Optional("client_note", string.Empty, 10)
            .Id("recovery_id", GoodId)
            .Digits("sms_code", "012345", 6, 6)
            .Language("language", "en-GB", out var language);

        validator.ThrowIfInvalid();

        Assert.Equal(Language.English, language);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Language_Empty_NullSoTheCustomersOwnApplies(string tag)
    {
        new RequestValidator().Language("language", tag, out var language).ThrowIfInvalid();

        Assert.Null(language);
    }

    [Theory]
    [InlineData("es-ES", Language.Spanish)]
    [InlineData("es", Language.Spanish)]
    [InlineData("EN", Language.English)]
    [InlineData("en_US", Language.English)]
    public void Language_Supported_Parsed(string tag, Language expected)
    {
        new RequestValidator().Language("language", tag, out var language).ThrowIfInvalid();

        Assert.Equal(expected, language);
    }

    [Fact]
    public void Digits_Range_DescribesTheRange()
    {
        var ex = Assert.Throws<FailureException>(new RequestValidator().Digits("code", "12345", 6, 8).ThrowIfInvalid);

        Assert.Equal("Must be 6-8 digits.", Assert.Single(ex.Failure.Violations).Description);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("123456789")]
    [InlineData("１２３４５６")] // full-width digits
    [InlineData("12 456")]
    public void Digits_WrongShape_CodeFormat(string value)
    {
        var ex = Assert.Throws<FailureException>(new RequestValidator().Digits("sms_code", value, 6, 8).ThrowIfInvalid);

        Assert.Equal("CODE_FORMAT", Assert.Single(ex.Failure.Violations).Reason);
    }

    [Fact]
    public void Required_Whitespace_Required()
    {
        var ex = Assert.Throws<FailureException>(new RequestValidator().Required("user_code", "   ", 10).ThrowIfInvalid);

        Assert.Equal(("user_code", "REQUIRED"), (ex.Failure.Violations[0].Field, ex.Failure.Violations[0].Reason));
    }

    [Fact]
    public void Id_Empty_RequiredNotMalformed()
    {
        var ex = Assert.Throws<FailureException>(new RequestValidator().Id("operation_id", string.Empty).ThrowIfInvalid);

        Assert.Equal("REQUIRED", Assert.Single(ex.Failure.Violations).Reason);
    }

    [Fact]
    public void ThrowIfInvalid_MapsToInvalidArgumentWithBadRequest()
    {
        var ex = Assert.Throws<FailureException>(new RequestValidator().Required("a", string.Empty, 1).Required("b", string.Empty, 1).ThrowIfInvalid);

        var rpc = RpcStatusMapper.ToRpcException(ex.Failure);

        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal(2, rpc.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Count);
    }

    [Fact]
    public void Normalizable_LoneSurrogateAndNoncharacter_ViolationsNamingEachFieldWithTheirReason()
    {
        var validator = new RequestValidator()
            .Normalizable("user_code", "1000\uD8000002")
            .Normalizable("password", "Girasol%Norte58\uFFFE", RequestValidator.PasswordCharactersReason)
            .Normalizable("display_name", "MARÍA GARCÍA LÓPEZ");

        var ex = Assert.Throws<FailureException>(validator.ThrowIfInvalid);

        Assert.Equal(ErrorReasons.InvalidFields, ex.Failure.Reason);
        Assert.Equal([("user_code", "CHARACTERS"), ("password", "PASSWORD_RULE_CHARACTERS")], ex.Failure.Violations.Select(v => (v.Field, v.Reason)));
    }

    [Fact]
    public void Normalizable_FieldAlreadyRefused_OneViolationOnly()
    {
        var validator = new RequestValidator().Required("password", new string('\uFFFE', 300), 256).Normalizable("password", new string('\uFFFE', 300));

        var ex = Assert.Throws<FailureException>(validator.ThrowIfInvalid);

        Assert.Equal([("password", "TOO_LONG")], ex.Failure.Violations.Select(v => (v.Field, v.Reason)));
    }
}

using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// Request bytes that never become a message, sent as raw HTTP/2 to the in-process server: a string field that
/// is not UTF-8, bodies that are not protobuf, framing that lies, messages over the limit, compressed frames.
/// Each is refused with a status and an ErrorInfo (MALFORMED_REQUEST, MESSAGE_TOO_LARGE, COMPRESSION_UNSUPPORTED),
/// never UNKNOWN or INTERNAL; nothing is sent, nothing is logged as a failure, and the server stays SERVING.
/// Before the guard, the UTF-8 and protobuf cases answered UNKNOWN "Exception was thrown by handler.", the
/// framing lies INTERNAL, and the size RESOURCE_EXHAUSTED without details.
/// </summary>
public sealed class MalformedRequestTests : IntegrationTest
{
    private const string StartRecovery = "/recovery.v1.RecoveryService/StartRecovery";
    private const string Login = "/recovery.v1.AccessService/Login";
    private const string LookupOperation = "/recovery.v1.CallCentreService/LookupOperation";
    private const string UpsertCustomer = "/recovery.v1.DirectoryService/UpsertCustomer";
    private const string ImportCustomers = "/recovery.v1.DirectoryService/ImportCustomers";

    public static TheoryData<string, string> NotUtf8 => new()
    {
        { StartRecovery, "ED A0 80" },   // a lone surrogate (U+D800) in UTF-8 form
        { Login, "FF" },
        { LookupOperation, "C0 80" },    // an overlong NUL
        { UpsertCustomer, "E2 82" },     // a cut three-byte sequence
        { StartRecovery, "31 32 FF 33" },
    };

    public static TheoryData<string, string> NotProtobuf => new()
    {
        { StartRecovery, "08 FF" },            // truncated varint
        { Login, "0F 00" },                    // wire type 7
        { LookupOperation, "00 01" },          // tag 0
        { UpsertCustomer, "0A 7F 41" },        // a length past the end of the message
        { StartRecovery, "0A FF FF FF FF 0F" }, // a length of 4 GiB
        { Login, "FF FF FF FF FF FF FF FF FF FF 01" }, // a varint tag of 11 bytes
    };

    [Theory]
    [MemberData(nameof(NotUtf8))]
    public async Task AnyRpc_StringFieldNotUtf8_InvalidArgumentMalformedRequestNothingSent(string path, string bytes)
    {
        var answer = await CallAsync(path, StringField(1, Hex(bytes)));

        answer.Is(StatusCode.InvalidArgument, "MALFORMED_REQUEST");
        await AssertUnharmedAsync();
    }

    [Theory]
    [MemberData(nameof(NotProtobuf))]
    public async Task AnyRpc_BodyNotProtobuf_InvalidArgumentMalformedRequestNothingSent(string path, string bytes)
    {
        var answer = await CallAsync(path, Hex(bytes));

        answer.Is(StatusCode.InvalidArgument, "MALFORMED_REQUEST");
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task ImportCustomers_SecondMessageNotUtf8_InvalidArgumentMalformedRequest()
    {
        // A valid (empty) customer first, so the stream is already being read by the handler when the bad one comes.
        var good = new ImportCustomersRequest { Customer = new Customer() }.ToByteArray();
        var bad = StringField(1, StringField(2, Hex("ED B0 80")));

        var answer = await Raw.CallAsync(ImportCustomers, [.. RawGrpc.Frame(good), .. RawGrpc.Frame(bad)]);

        answer.Is(StatusCode.InvalidArgument, "MALFORMED_REQUEST");
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task ImportCustomers_MessageNotProtobuf_InvalidArgumentMalformedRequest()
    {
        var answer = await Raw.CallAsync(ImportCustomers, RawGrpc.Frame(Hex("0F")));

        answer.Is(StatusCode.InvalidArgument, "MALFORMED_REQUEST");
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData(StartRecovery)]
    [InlineData(ImportCustomers)]
    public async Task AnyRpc_MessageOverTheLimit_ResourceExhaustedMessageTooLarge(string path)
    {
        var answer = await Raw.CallAsync(path, RawGrpc.Frame(StringField(1, new byte[20_000])));

        answer.Is(StatusCode.ResourceExhausted, "MESSAGE_TOO_LARGE");
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AnyRpc_DeclaredLengthOf4GiB_ResourceExhaustedMessageTooLargeWithoutWaitingForTheBytes()
    {
        var answer = await Raw.CallAsync(Login, RawGrpc.Frame([0x0A, 0x01, 0x41], 0, uint.MaxValue));

        answer.Is(StatusCode.ResourceExhausted, "MESSAGE_TOO_LARGE");
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task StartRecovery_TypedClientOverTheLimit_RpcExceptionCarriesErrorInfo()
    {
        var request = new StartRecoveryRequest { CardNumber = new string('4', 20_000) };

        (await RefusedAsync(() => Api.StartAsync(request))).Is(StatusCode.ResourceExhausted, "MESSAGE_TOO_LARGE");
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData(StartRecovery, "empty body")]
    [InlineData(StartRecovery, "half a header")]
    [InlineData(Login, "length longer than the body")]
    [InlineData(LookupOperation, "two messages to a unary method")]
    [InlineData(UpsertCustomer, "flag 2")]
    [InlineData(ImportCustomers, "length longer than the body")]
    [InlineData(ImportCustomers, "flag 2")]
    [InlineData("/grpc.health.v1.Health/Check", "two messages to a unary method")]
    public async Task AnyRpc_FramingThatLies_InvalidArgumentMalformedRequest(string path, string lie)
    {
        var message = new LoginRequest { UserCode = "10000001" }.ToByteArray();
        byte[] body = lie switch
        {
            "empty body" => [],
            "half a header" => [0, 0, 0],
            "length longer than the body" => RawGrpc.Frame(message, 0, (uint)message.Length + 7),
            "two messages to a unary method" => [.. RawGrpc.Frame(message), .. RawGrpc.Frame(message)],
            "flag 2" => RawGrpc.Frame(message, 2, (uint)message.Length),
            _ => throw new ArgumentOutOfRangeException(nameof(lie)),
        };

        var answer = await Raw.CallAsync(path, body);

        answer.Is(StatusCode.InvalidArgument, "MALFORMED_REQUEST");
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData(StartRecovery, null)]
    [InlineData(Login, "gzip")]
    [InlineData(ImportCustomers, "gzip")]
    public async Task AnyRpc_CompressedMessage_UnimplementedCompressionUnsupported(string path, string? encoding)
    {
        var answer = await Raw.CallAsync(path, RawGrpc.Frame(Hex("1F 8B 08 00"), 1, 4), encoding is null ? null : [("grpc-encoding", encoding)]);

        answer.Is(StatusCode.Unimplemented, "COMPRESSION_UNSUPPORTED");
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task StartRecovery_RawButWellFormed_ReachesTheHandler()
    {
        // The guard must not refuse what is valid: a well-formed raw request is answered by the handler
        // (here a validation refusal naming the fields, which only the handler gives).
        var answer = await CallAsync(StartRecovery, new StartRecoveryRequest { CardNumber = "1" }.ToByteArray());

        answer.Is(StatusCode.InvalidArgument, "INVALID_FIELDS");
    }

    private RawGrpc Raw => raw ??= new RawGrpc(Factory.Server.CreateHandler(), Factory.Server.BaseAddress);

    private RawGrpc? raw;

    public override async Task DisposeAsync()
    {
        raw?.Dispose();
        await base.DisposeAsync();
    }

    private Task<RawAnswer> CallAsync(string path, byte[] message) => Raw.CallAsync(path, RawGrpc.Frame(message));

    private async Task AssertUnharmedAsync()
    {
        Assert.Equal(0, Outbox.Count);
        Assert.Empty(Logs.Errors);
        var health = await RecoveryApi.CallAsync(new Health.HealthClient(Api.Channel).CheckAsync(new HealthCheckRequest(), RecoveryApi.Options()));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    private static byte[] Hex(string bytes) => Convert.FromHexString(bytes.Replace(" ", "", StringComparison.Ordinal));

    // A length-delimited field (wire type 2) holding exactly these bytes.
    private static byte[] StringField(int number, byte[] value)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
        output.Flush();
        return stream.ToArray();
    }
}

using System.Net;
using Grpc.Core;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Reads who is calling from metadata: <c>x-channel</c> (web, mobile, call-centre, ivr, …) and
/// <c>x-client-address</c> (the customer's IP as the channel saw it). Malformed values are ignored
/// rather than trusted.
/// </summary>
public static class CallerContextReader
{
    public const string ChannelHeader = "x-channel";
    public const string ClientAddressHeader = "x-client-address";

    public static CallerContext Read(ServerCallContext context)
    {
        var channel = context.RequestHeaders.GetValue(ChannelHeader);
        var address = context.RequestHeaders.GetValue(ClientAddressHeader);
        return new CallerContext(
            channel is { Length: > 0 and <= 32 } && channel.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') ? channel : CallerContext.Unknown.Channel,
            address is { Length: <= 64 } && IPAddress.TryParse(address, out var ip) ? ip.ToString() : CallerContext.Unknown.ClientAddress);
    }
}

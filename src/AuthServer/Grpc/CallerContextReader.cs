using System.Net;
using Grpc.Core;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Reads who is calling: the channel that <see cref="ChannelAuthInterceptor"/> authenticated, or, with
/// no channel tokens configured (Development), the <c>x-channel</c> header (web, mobile, call-centre,
/// ivr, …); and <c>x-client-address</c> (the customer's IP as the channel saw it). Malformed values are
/// ignored rather than trusted.
/// </summary>
public static class CallerContextReader
{
    public const string ChannelHeader = "x-channel";
    public const string ClientAddressHeader = "x-client-address";

    public static CallerContext Read(ServerCallContext context)
    {
        var channel = ChannelAuthInterceptor.AuthenticatedChannel(context) ?? context.RequestHeaders.GetValue(ChannelHeader);
        var address = context.RequestHeaders.GetValue(ClientAddressHeader);
        return new CallerContext(
            CallerContext.IsValidChannel(channel) ? channel! : CallerContext.Unknown.Channel,
            address is { Length: <= 64 } && IPAddress.TryParse(address, out var ip) ? ip.ToString() : CallerContext.Unknown.ClientAddress);
    }
}

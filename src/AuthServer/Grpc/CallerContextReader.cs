using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Reads who is calling from the principal the call's credential scheme admitted (<c>HttpContext.User</c>): the
/// channel its token belongs to (<see cref="ChannelTokenHandler"/>), or, with no channel tokens configured
/// (Development), the <c>x-channel</c> header (web, mobile, call-centre, ivr, …); and <c>x-client-address</c> (the
/// customer's IP as the channel saw it). Malformed values are ignored rather than trusted.
/// </summary>
public static class CallerContextReader
{
    public const string ChannelHeader = "x-channel";
    public const string ClientAddressHeader = "x-client-address";

    public static CallerContext Read(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var channel = context.GetHttpContext().User.FindFirst(CredentialSchemes.ChannelClaim)?.Value ?? context.RequestHeaders.GetValue(ChannelHeader);
        var address = context.RequestHeaders.GetValue(ClientAddressHeader);
        return new CallerContext(
            CallerContext.IsValidChannel(channel) ? channel! : CallerContext.Unknown.Channel,
            address is { Length: <= 64 } && IPAddress.TryParse(address, out var ip) ? ip.ToString() : CallerContext.Unknown.ClientAddress);
    }

    /// <summary>The call-centre agent the call was admitted for (<see cref="CallCentreTokenHandler"/>).</summary>
    public static string Agent(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetHttpContext().User.FindFirst(CredentialSchemes.AgentClaim)?.Value ?? throw new InvalidOperationException("No authenticated agent.");
    }
}

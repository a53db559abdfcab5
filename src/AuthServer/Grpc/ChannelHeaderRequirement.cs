using Microsoft.AspNetCore.Authorization;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Part of the channel policy: a caller whose token names its channel and that also names itself with
/// <c>x-channel</c> must name itself truly (checked by <see cref="ChannelHeaderHandler"/>).
/// </summary>
public sealed class ChannelHeaderRequirement : IAuthorizationRequirement;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// The names of the three credentials (ASP.NET Core authentication schemes), of the authorization policies that
/// put them on the services (<c>[Authorize(Policy = …)]</c>), and of the claims they give the caller.
/// </summary>
public static class CredentialSchemes
{
    /// <summary>A bank channel's bearer token (<c>Channels:Tokens</c>): RecoveryService and AccessService.</summary>
    public const string Channel = "ChannelToken";

    /// <summary>A back-office admin token (<c>Directory:AdminTokens</c>): DirectoryService.</summary>
    public const string Admin = "AdminToken";

    /// <summary>The call-centre desktop's token (<c>CallCentre:Tokens</c>) and the agent's id: CallCentreService.</summary>
    public const string CallCentre = "CallCentreToken";

    /// <summary>The claim naming the channel a token belongs to (absent for Development's anonymous channels).</summary>
    public const string ChannelClaim = "recovery:channel";

    /// <summary>The claim naming the call-centre agent (<c>x-agent-id</c>).</summary>
    public const string AgentClaim = "recovery:agent";
}

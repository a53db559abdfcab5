using Grpc.Core;
using Grpc.Net.Client;
using Recovery.V1;

namespace Recovery.Client;

/// <summary>
/// Typed access to <c>recovery.v1.CallCentreService</c> for the call-centre desktop: every call carries the
/// desktop's token (<c>authorization: Bearer</c>), the agent's id (<c>x-agent-id</c>) and a deadline; failures
/// surface as <see cref="RecoveryClientException"/>, cancellation as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class CallCentreClient
{
    private readonly HeaderedCalls _calls;

    /// <summary>Creates a client over a channel (which the caller keeps owning and disposing).</summary>
    /// <param name="channel">The channel to the server.</param>
    /// <param name="token">One of the server's <c>CallCentre:Tokens</c>.</param>
    /// <param name="agentId">The agent at the desk (1–64 of letters, digits, '.', '_', '-', '@'), audited with every step.</param>
    /// <param name="deadline">Per-call deadline; default 10 s.</param>
    public CallCentreClient(GrpcChannel channel, string token, string agentId, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentId);
        CallCentre = new CallCentreService.CallCentreServiceClient(channel);
        _calls = new HeaderedCalls(new Metadata { { "authorization", "Bearer " + token }, { "x-agent-id", agentId } }, deadline ?? RecoveryClient.StandardDeadline);
    }

    /// <summary>The generated client, for what this wrapper does not cover.</summary>
    public CallCentreService.CallCentreServiceClient CallCentre { get; }

    public Task<LookupOperationResponse> LookupOperationAsync(string reference, CancellationToken cancellationToken = default) =>
        _calls.RunAsync(nameof(CallCentreService.CallCentreServiceClient.LookupOperation), async options =>
        {
            using var call = CallCentre.LookupOperationAsync(new LookupOperationRequest { Reference = reference }, options);
            return await call.ResponseAsync.ConfigureAwait(false);
        }, cancellationToken);

    public Task<IssueOperationCodeByVoiceResponse> IssueOperationCodeByVoiceAsync(string reference, string cardNumber, string cardExpiry, CancellationToken cancellationToken = default) =>
        _calls.RunAsync(nameof(CallCentreService.CallCentreServiceClient.IssueOperationCodeByVoice), async options =>
        {
            using var call = CallCentre.IssueOperationCodeByVoiceAsync(
                new IssueOperationCodeByVoiceRequest { Reference = reference, CardNumber = cardNumber, CardExpiry = cardExpiry }, options);
            return await call.ResponseAsync.ConfigureAwait(false);
        }, cancellationToken);
}

using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Recovery.AuthServer.CallCentre;
using Recovery.V1;

namespace Recovery.AuthServer.Grpc;

/// <summary>Adapter of CallCentreService: shape checks, then the domain flow.</summary>
[Authorize(Policy = CredentialSchemes.CallCentre)]
public sealed class CallCentreGrpcService(CallCentreFlow flow) : CallCentreService.CallCentreServiceBase
{
    public override async Task<LookupOperationResponse> LookupOperation(LookupOperationRequest request, ServerCallContext context)
    {
        new RequestValidator().Digits("reference", request.Reference, 8, 8).ThrowIfInvalid();
        var found = (await flow.LookupAsync(request.Reference, CallerContextReader.Agent(context), context.CancellationToken)).Unwrap();
        return new LookupOperationResponse
        {
            Reference = found.Reference,
            Description = found.Description,
            PhoneLastDigits = found.PhoneLastDigits,
            State = ProtoMapping.ToProto(found.State),
            CreateTime = found.CreatedAt.ToTimestamp(),
            ExpireTime = found.ExpiresAt.ToTimestamp(),
            CardChecksRemaining = found.CardChecksRemaining,
            ResendsRemaining = found.ResendsRemaining,
        };
    }

    public override async Task<IssueOperationCodeByVoiceResponse> IssueOperationCodeByVoice(IssueOperationCodeByVoiceRequest request, ServerCallContext context)
    {
        new RequestValidator()
            .Digits("reference", request.Reference, 8, 8)
            .Required("card_number", request.CardNumber, 32)
            .Required("card_expiry", request.CardExpiry, 8)
            .ThrowIfInvalid();
        var code = (await flow.IssueCodeByVoiceAsync(request.Reference, request.CardNumber, request.CardExpiry, CallerContextReader.Agent(context), context.CancellationToken)).Unwrap();
        return new IssueOperationCodeByVoiceResponse
        {
            Code = code.Code,
            CodeExpireTime = code.ExpiresAt.ToTimestamp(),
            ResendsRemaining = code.ResendsRemaining,
        };
    }
}

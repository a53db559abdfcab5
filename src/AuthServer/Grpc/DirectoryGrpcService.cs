using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.V1;

namespace Recovery.AuthServer.Grpc;

/// <summary>
/// Adapter for the admin directory: map proto to <see cref="DirectoryCustomer"/>, call <see cref="CustomerDirectory"/>,
/// map back. The admin token is checked before any of this by its policy (<see cref="AdminTokenHandler"/>).
/// </summary>
[Authorize(Policy = CredentialSchemes.Admin)]
public sealed class DirectoryGrpcService(CustomerDirectory directory, TimeProvider time) : DirectoryService.DirectoryServiceBase
{
    public override async Task<UpsertCustomerResponse> UpsertCustomer(UpsertCustomerRequest request, ServerCallContext context)
    {
        if (request.Customer is null)
        {
            OutcomeExtensions.Throw(Failure.Invalid("customer", "Required."));
        }

        var id = (await directory.AddAsync(ToDomain(request.Customer), context.CancellationToken)).Unwrap();
        return new UpsertCustomerResponse { CustomerId = id };
    }

    public override async Task<ImportCustomersResponse> ImportCustomers(IAsyncStreamReader<ImportCustomersRequest> requestStream, ServerCallContext context)
    {
        var tally = new ImportTally();
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var outcome = request.Customer is null
                ? Failure.Invalid("customer", "Required.")
                : await directory.AddAsync(ToDomain(request.Customer), context.CancellationToken);
            tally.Add(index++, outcome);
        }

        var response = new ImportCustomersResponse { Imported = tally.Imported, AlreadyExisting = tally.AlreadyExisting, Rejected = tally.Rejected };
        response.Rejections.AddRange(tally.Rejections.Select(r => new V1.ImportRejection { Index = r.Index, Reason = r.Reason, Details = { r.Details } }));
        return response;
    }

    public override async Task<GetCustomerStatusResponse> GetCustomerStatus(GetCustomerStatusRequest request, ServerCallContext context)
    {
        var validator = new RequestValidator();
        switch (request.KeyCase)
        {
            case GetCustomerStatusRequest.KeyOneofCase.CustomerId:
                validator.Required("customer_id", request.CustomerId, 64);
                break;
            case GetCustomerStatusRequest.KeyOneofCase.UserCode:
                validator.Required("user_code", request.UserCode, 32);
                break;
            default:
                OutcomeExtensions.Throw(Failure.Invalid("key", "One of customer_id or user_code is required."));
                break;
        }

        validator.ThrowIfInvalid();
        var status = (await directory.GetStatusAsync(
            request.HasCustomerId ? request.CustomerId : null,
            request.HasUserCode ? request.UserCode : null,
            time.GetUtcNow(),
            context.CancellationToken)).Unwrap();
        return new GetCustomerStatusResponse
        {
            CustomerId = status.CustomerId,
            UserCode = status.UserCode,
            CredentialState = status.State == Customers.CredentialState.Blocked ? V1.CredentialState.Blocked : V1.CredentialState.Active,
            PasswordChangeRequired = status.TemporaryPasswordExpiresAt is not null,
            TemporaryPasswordExpireTime = status.TemporaryPasswordExpiresAt?.ToTimestamp(),
            FailedLogins = status.FailedLogins,
            RecoveryBlockedUntilTime = status.RecoveryBlockedUntil?.ToTimestamp(),
            CardCount = status.CardCount,
            HasPassword = status.HasPassword,
            RecentSmsDeliveries = { status.RecentSms.Select(ToProto) },
        };
    }

    private static V1.SmsDelivery ToProto(Notifications.Sms.SmsDelivery d) => new()
    {
        Template = d.Template,
        Provider = d.Provider ?? string.Empty,
        State = ToProto(d.State),
        CreateTime = d.CreatedAt.ToTimestamp(),
        UpdateTime = d.UpdatedAt.ToTimestamp(),
        Attempts = { d.Attempts.Select(a => new V1.SmsDeliveryAttempt { Provider = a.Provider, State = ToProto(a.State), UpdateTime = a.At.ToTimestamp() }) },
    };

    // Names match one to one (a test keeps it so).
    private static V1.SmsDeliveryState ToProto(Notifications.Sms.SmsDeliveryState state) => Enum.Parse<V1.SmsDeliveryState>(state.ToString());

    private static DirectoryCustomer ToDomain(Customer c) => new()
    {
        CustomerId = c.CustomerId,
        UserCode = c.UserCode,
        DisplayName = c.DisplayName,
        Email = c.Email,
        Phone = c.Phone,
        DocumentId = c.DocumentId,
        BirthDate = c.BirthDate,
        LanguageCode = c.LanguageCode,
        Cards = [.. c.Cards.Select(card => new DirectoryCard(card.CardNumber, card.Expiry))],
        InitialPassword = c.InitialPassword,
    };
}

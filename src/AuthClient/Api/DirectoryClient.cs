using Grpc.Core;
using Grpc.Net.Client;
using Recovery.V1;

namespace Recovery.Client;

/// <summary>
/// Typed access to the admin-only <c>recovery.v1.DirectoryService</c>: every call carries
/// <c>authorization: Bearer &lt;admin token&gt;</c> and a deadline; failures surface as
/// <see cref="RecoveryClientException"/>, cancellation as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class DirectoryClient
{
    private readonly HeaderedCalls _calls;

    /// <summary>Creates a client over a channel (which the caller keeps owning and disposing).</summary>
    /// <param name="channel">The channel to the server.</param>
    /// <param name="adminToken">One of the server's <c>Directory:AdminTokens</c>.</param>
    /// <param name="deadline">Per-call deadline; for ImportCustomers it covers the whole stream. Default 10 s.</param>
    public DirectoryClient(GrpcChannel channel, string adminToken, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(adminToken);
        Directory = new DirectoryService.DirectoryServiceClient(channel);
        _calls = new HeaderedCalls(new Metadata { { "authorization", "Bearer " + adminToken } }, deadline ?? RecoveryClient.StandardDeadline);
    }

    public TimeSpan Deadline => _calls.Deadline;

    /// <summary>The generated client, for what this wrapper does not cover.</summary>
    public DirectoryService.DirectoryServiceClient Directory { get; }

    public Task<UpsertCustomerResponse> UpsertCustomerAsync(Customer customer, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(DirectoryService.DirectoryServiceClient.UpsertCustomer), async options =>
        {
            using var call = Directory.UpsertCustomerAsync(new UpsertCustomerRequest { Customer = customer }, options);
            return await call.ResponseAsync.ConfigureAwait(false);
        }, cancellationToken);

    public Task<GetCustomerStatusResponse> GetCustomerStatusAsync(GetCustomerStatusRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(nameof(DirectoryService.DirectoryServiceClient.GetCustomerStatus), async options =>
        {
            using var call = Directory.GetCustomerStatusAsync(request, options);
            return await call.ResponseAsync.ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Streams <paramref name="customers"/> through ImportCustomers; the answer counts what happened to them.</summary>
    public Task<ImportCustomersResponse> ImportCustomersAsync(IEnumerable<Customer> customers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        return CallAsync(nameof(DirectoryService.DirectoryServiceClient.ImportCustomers), async options =>
        {
            using var call = Directory.ImportCustomers(options);
            try
            {
                foreach (var customer in customers)
                {
                    await call.RequestStream.WriteAsync(new ImportCustomersRequest { Customer = customer }, cancellationToken).ConfigureAwait(false);
                }

                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // The server ended the call early (e.g. a refused token): its status, in ResponseAsync, says why.
            }

            return await call.ResponseAsync.ConfigureAwait(false);
        }, cancellationToken);
    }

    private Task<TResponse> CallAsync<TResponse>(string operation, Func<CallOptions, Task<TResponse>> run, CancellationToken cancellationToken) =>
        _calls.RunAsync(operation, run, cancellationToken);
}

using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.Access;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.V1;
using OperationState = Recovery.V1.OperationState;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// The in-memory event that reaches <c>OperationLifecycle.UseAppStepAndCommitAsync</c>'s fallback with nothing reordered by
/// the test: one node runs one signature's code step at a time (<c>InMemoryOperationStore</c>'s semaphore), so a right app
/// code's step waits while another customer's signature holds it, whereas its guarded commit, which needs no semaphore,
/// runs at once, finds no mark and refuses; the step then signs and the flow commits after it. The test only chooses
/// when the other signature comes: it lets Maria's first step take her try once Seed's signature waits for the semaphore,
/// and lets Seed's step take its try once Maria's guarded commit has answered. Every wait is bounded, none is a sleep.
/// </summary>
public sealed class InMemoryAppStepQueuedTests : IntegrationTest
{
    private static readonly DemoCustomer Maria = DemoCustomer.Maria;
    private static readonly DemoCustomer Seed = DemoCustomer.Seed;

    public InMemoryAppStepQueuedTests()
        : base(ServerOptions.Default with { Services = services => Interleave(services, new Interleaving()) })
    {
    }

    private Interleaving Order => Factory.Services.GetRequiredService<Interleaving>();

    [Fact]
    public async Task SignOperation_AppStepQueuedBehindAnotherCustomersSignature_GuardedCommitRefusedThenTheFallbackSignsBothOnce()
    {
        var app = await EnrolledAndConfirmedAppAsync(Maria);
        var (mariaTicket, mariaTemporary) = await RecoverAndLogInAsync(Maria);
        var (mariaOperation, _) = await OpenChangeAsync(mariaTicket, mariaTemporary, DemoCustomer.NewPassword);
        var (seedTicket, seedTemporary) = await RecoverAndLogInAsync(Seed);
        var (seedOperation, seedCode) = await OpenChangeAsync(seedTicket, seedTemporary, DemoCustomer.NewPassword);
        Time.Advance(TimeSpan.FromSeconds(30));
        var appCode = app.ComputeTotp(Time.GetUtcNow().UtcDateTime);
        var (mariaBefore, seedBefore) = (await CredentialsAsync(Maria), await CredentialsAsync(Seed));
        var mark = Outbox.Count;
        Order.Arm(Maria.Id, Seed.Id);

        var mariaSigning = Api.SignAsync(mariaOperation.OperationId, appCode);
        await Order.FirstInStep.WaitAsync(RecoveryApi.Timeout);
        var seedSigning = Api.SignAsync(seedOperation.OperationId, seedCode);

        Assert.Equal(OperationState.Signed, (await mariaSigning).State);
        Assert.Equal(OperationState.Signed, (await seedSigning).State);

        // Maria's guarded commit ran while her step waited for the semaphore: no mark, refused; the one plain commit of her
        // operation's change is the fallback's.
        Assert.Equal([(bool?)null], Order.GuardedCommits);
        Assert.Contains(CredentialChanges.OfOperation(mariaOperation.OperationId), Order.PlainCommits);
        Assert.Equal(2, Order.PlainCommits.Length);

        var emails = Outbox.Since(mark);
        Assert.Equal(2, emails.Count);
        Assert.All(emails, e => Assert.Equal(NotificationTemplates.PasswordChanged, e.Template));
        Assert.Equal(new[] { Maria.Email, Seed.Email }.Order(StringComparer.Ordinal), emails.Select(e => e.To).Order(StringComparer.Ordinal));
        Assert.Equal((mariaBefore.Version + 1, seedBefore.Version + 1), ((await CredentialsAsync(Maria)).Version, (await CredentialsAsync(Seed)).Version));
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(Maria.UserCode, DemoCustomer.NewPassword)).ResultCase);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, (await Api.LoginAsync(Seed.UserCode, DemoCustomer.NewPassword)).ResultCase);
    }

    private static void Interleave(IServiceCollection services, Interleaving order)
    {
        services.AddSingleton(order);
        RecoveryServerFactory.Decorate<IWrongCodeLedger>(services, (inner, _) => Around.Create(inner, order.AroundLedger));
        RecoveryServerFactory.Decorate<IOperationStore>(services, (inner, _) => Around.Create(inner, order.AroundOperations));
        RecoveryServerFactory.Decorate<ICustomerStore>(services, (inner, _) => Around.Create(inner, order.AroundCustomers));
    }

    /// <summary>
    /// When each signature may go on. The first customer's try is taken inside the node's code step (semaphore held)
    /// only once the second's code step waits for that semaphore; the second's try only once the first's guarded commit
    /// answered. Observes the commits.
    /// </summary>
    private sealed class Interleaving
    {
        private readonly TaskCompletionSource firstInStep = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource secondQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource firstCommitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<bool?> guarded = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> plain = new();
        private string? firstScope;
        private string? secondScope;
        private string? second;
        private int firstTaken;
        private int secondTaken;

        public Task FirstInStep => firstInStep.Task;

        public bool?[] GuardedCommits => guarded.ToArray();

        public string[] PlainCommits => plain.ToArray();

        public void Arm(string firstCustomer, string secondCustomer)
        {
            firstScope = AccessFlow.SigningScope(firstCustomer);
            secondScope = AccessFlow.SigningScope(secondCustomer);
            second = secondCustomer;
        }

        public object? AroundLedger(System.Reflection.MethodInfo method, object?[] args, Func<object?> proceed)
        {
            if (method.Name != nameof(IWrongCodeLedger.TakeAsync) || args[0] is not IReadOnlyList<string> scopes)
            {
                return proceed();
            }

            if (scopes[0] == firstScope && Interlocked.Exchange(ref firstTaken, 1) == 0)
            {
                firstInStep.TrySetResult();
                return AfterAsync(secondQueued.Task, proceed);
            }

            return scopes[0] == secondScope && Interlocked.Exchange(ref secondTaken, 1) == 0 ? AfterAsync(firstCommitted.Task, proceed) : proceed();
        }

        public object? AroundOperations(System.Reflection.MethodInfo method, object?[] args, Func<object?> proceed)
        {
            var result = proceed();
            if (method.Name == nameof(IOperationStore.TrySmsCodeAsync) && args[0] is OperationSmsCode code && code.CustomerId == second)
            {
                // The call has returned: its code step is running or, as here, waiting for the node's semaphore.
                secondQueued.TrySetResult();
            }

            return result;
        }

        public object? AroundCustomers(System.Reflection.MethodInfo method, object?[] args, Func<object?> proceed) => method.Name switch
        {
            nameof(ICustomerStore.CommitPasswordAfterStepAsync) => GuardedAsync((Task<bool?>)proceed()!),
            nameof(ICustomerStore.CommitPasswordAsync) => PlainAsync((string)args[4]!, (Task<bool>)proceed()!),
            _ => proceed(),
        };

        private static async Task<WrongCodeTake> AfterAsync(Task gate, Func<object?> proceed)
        {
            await gate.WaitAsync(RecoveryApi.Timeout);
            return await (Task<WrongCodeTake>)proceed()!;
        }

        private async Task<bool?> GuardedAsync(Task<bool?> commit)
        {
            try
            {
                var result = await commit;
                guarded.Enqueue(result);
                return result;
            }
            finally
            {
                firstCommitted.TrySetResult();
            }
        }

        private async Task<bool> PlainAsync(string changeId, Task<bool> commit)
        {
            var result = await commit;
            plain.Enqueue(changeId);
            return result;
        }
    }
}

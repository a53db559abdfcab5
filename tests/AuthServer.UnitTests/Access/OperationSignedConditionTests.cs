using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Access;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Access;

public sealed class OperationSignedConditionTests
{
    private const string CustomerId = TestCustomer.Id;
    private const string NewHash = TestCustomer.NewHash;
    private const int HistoryDepth = 5;

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly CancellationToken ct = CancellationToken.None;
    private readonly InMemoryCustomerStore customers = new();
    private readonly OperationSignedCondition condition;
    private readonly OperationRecord op = Operation("op-1");

    public OperationSignedConditionTests()
    {
        var outbox = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
        var changes = new CredentialChanges(customers, outbox, NullLogger<CredentialChanges>.Instance);
        condition = new OperationSignedCondition(new OperationPasswordChange(customers, changes, NotificationTexts.Shipped));
        TestCustomer.AddTo(customers);
    }

    [Fact]
    public async Task HoldsAsync_TheOperationsChangeApplied_True()
    {
        Assert.True(await Commit(op));

        Assert.True(await condition.HoldsAsync(OperationSignedCondition.Of(op), ct));
    }

    [Fact]
    public async Task HoldsAsync_CommitNotRunYet_FalseAndTheCommitStillApplies()
    {
        // A retry racing the first call, whose commit is still on its way: not Signed yet, and the check decided nothing.
        Assert.False(await condition.HoldsAsync(OperationSignedCondition.Of(op), ct));

        Assert.True(await Commit(op));
        Assert.True(await condition.HoldsAsync(OperationSignedCondition.Of(op), ct));
    }

    [Fact]
    public async Task HoldsAsync_AnotherOperationsChangeAppliedFirst_FalseForTheStaleOne()
    {
        var other = Operation("op-2");
        Assert.True(await Commit(other));
        Assert.False(await Commit(op));

        Assert.False(await condition.HoldsAsync(OperationSignedCondition.Of(op), ct));
        Assert.True(await condition.HoldsAsync(OperationSignedCondition.Of(other), ct));
        Assert.Equal(NewHash + "op-2", (await customers.GetCredentialsAsync(CustomerId, ct))!.PasswordHash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("operation-applied\nc-1\nop-1")]
    [InlineData("operation-applied\nc-1\nop-1\nnot-a-version")]
    [InlineData("something-else\nc-1\nop-1\n1")]
    public async Task HoldsAsync_NotAConditionThisServerWrites_False(string written)
    {
        Assert.True(await Commit(op)); // even with the operation's change applied

        Assert.False(await condition.HoldsAsync(written, ct));
    }

    private Task<bool> Commit(OperationRecord operation) =>
        customers.CommitPasswordAsync(CustomerId, NewHash + operation.Id, operation.CredentialVersion, HistoryDepth, CredentialChanges.OfOperation(operation.Id), ct);

    private static OperationRecord Operation(string id) => new()
    {
        Id = id,
        Reference = "12345678",
        CustomerId = CustomerId,
        Description = "Password change",
        PhoneLastDigits = "032",
        PendingPasswordHash = NewHash + id,
        CredentialVersion = 1,
        TicketHash = "ticket",
        Language = "es",
        CreatedAt = Now,
        ExpiresAt = Now.AddMinutes(15),
    };
}

using Recovery.AuthServer.Notifications.Sms;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemorySmsDeliveryStoreContractTests : SmsDeliveryStoreContract
{
    protected override ISmsDeliveryStore CreateStore() => new InMemorySmsDeliveryStore(Options, Time);
}

namespace Pipeline.Application.Wallets;

/// <summary>Why money moved, stored on every ledger transfer (chart of reasons).</summary>
public static class TransferCodes
{
    public const ushort TopUp = 1;
    public const ushort WalletTransfer = 2;
    public const ushort PaymentCharge = 3;
    public const ushort PaymentHold = 4;
    public const ushort PaymentCapture = 5;
    public const ushort PaymentRelease = 6;
    public const ushort PaymentRefund = 7;
    public const ushort SettlementFee = 8;
    public const ushort ReserveHold = 9;
    public const ushort ReserveRelease = 10;
    public const ushort Payout = 11;
    public const ushort PayoutReturn = 12;
    public const ushort CollectionCredit = 13;
    public const ushort CollectionAdjustment = 14;
    public const ushort CollectionWriteOff = 15;
    public const ushort PayerBalanceCredit = 16;
    public const ushort SuspenseCredit = 17;
    public const ushort ExceptionResolution = 18;
}

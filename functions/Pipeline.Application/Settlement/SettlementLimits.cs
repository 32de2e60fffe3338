namespace Pipeline.Application.Settlement;

/// <summary>Every bound of settlement and payouts in one place.</summary>
public static class SettlementLimits
{
    /// <summary>The longest a rolling reserve is held.</summary>
    public const int ReserveDaysMax = 365;

    /// <summary>Currencies a merchant can name a minimum payout for.</summary>
    public const int MinimumPayoutCurrenciesMax = 20;

    /// <summary>EPC SEPA: a name is at most 70 characters.</summary>
    public const int PayoutAccountNameLengthMax = 70;

    public const int TimeZoneLengthMax = 64;

    /// <summary>Events read from the log per query.</summary>
    public const int LogPageSize = 1_000;

    /// <summary>Captures and refunds one round settles (a busier merchant-day is settled in several rounds of one run).</summary>
    public const int ItemsPerRoundMax = 50_000;

    /// <summary>Rounds one run makes for one merchant; what is left waits for the next run.</summary>
    public const int RoundsPerRunMax = 20;

    /// <summary>
    /// Currencies one round settles: its last write holds, per currency, the settlement, its payout and their two
    /// events, plus the state — within a transactional batch's 100 operations.
    /// </summary>
    public const int CurrenciesPerRoundMax = 20;

    /// <summary>Merchants per activity of a run: 10,000 merchants take 100 activities and one orchestration (continued as new per page).</summary>
    public const int MerchantsPerActivity = 100;

    /// <summary>Merchants read per page of a run; each page is one generation of the run's orchestration.</summary>
    public const int MerchantsPerPage = 1_000;

    /// <summary>Merchants one activity settles at once.</summary>
    public const int MerchantsInParallel = 8;

    /// <summary>Merchants a run can be limited to: one page, as a generation of a run over every merchant takes.</summary>
    public const int RunMerchantIdsMax = 1_000;

    /// <summary>Tries of one activity of a run before the run fails (the next run takes its merchants up again).</summary>
    public const int ActivityAttemptsMax = 3;

    public static readonly TimeSpan ActivityRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Failed merchants a run names (all are counted).</summary>
    public const int FailedMerchantsNamedMax = 20;

    /// <summary>Report lines per stored chunk (each line is about 150 bytes: far below a document's 2 MB).</summary>
    public const int LinesPerChunk = 2_000;
}

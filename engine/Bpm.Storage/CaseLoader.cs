using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using Bpm.Engine.Ports;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bpm.Storage;

/// <summary>
/// Loads a case's live state (found by its id or by one of its work items) in one round trip: one command of eight SELECTs (case, live tokens, open work items,
/// open visits, open incidents, pending timers, open suspensions, open supervision orders) read with NextResult,
/// then attached to the context as if a tracking query had read them. EF runs each query on its own round trip, and
/// a single joined query would repeat the case row (with its JSON) for every combination of children; this is the
/// hot path of every command.
/// <para>
/// The SQL and the row readers are generated from the EF model once per store, using the same type mappings and
/// value converters EF uses, so they follow the mapping. The case is read first: children read after it are at
/// least as new, and if they are newer the case revision is stale and the save fails, as it should.
/// </para>
/// </summary>
internal sealed class CaseLoader
{
    private const string CaseIdParameter = "case_id";
    private const string WorkItemIdParameter = "work_item_id";

    private readonly string _sql;
    private readonly string _sqlOfWorkItem;
    private readonly string _parameterName;
    private readonly string _workItemParameterName;
    private readonly RelationalTypeMapping _caseIdMapping;
    private readonly Func<DbDataReader, Case> _readCase;
    private readonly Func<DbDataReader, Token> _readToken;
    private readonly Func<DbDataReader, WorkItem> _readWorkItem;
    private readonly Func<DbDataReader, NodeVisit> _readVisit;
    private readonly Func<DbDataReader, Incident> _readIncident;
    private readonly Func<DbDataReader, CaseTimer> _readTimer;
    private readonly Func<DbDataReader, Suspension> _readSuspension;
    private readonly Func<DbDataReader, SupervisionOrder> _readOrder;

    public CaseLoader(BpmDbContext context)
    {
        var model = context.Model;
        var sql = context.GetService<ISqlGenerationHelper>();
        _parameterName = sql.GenerateParameterName(CaseIdParameter);
        _workItemParameterName = sql.GenerateParameterName(WorkItemIdParameter);

        var cases = new Shape<Case>(model, sql);
        var tokens = new Shape<Token>(model, sql);
        var workItems = new Shape<WorkItem>(model, sql);
        var visits = new Shape<NodeVisit>(model, sql);
        var incidents = new Shape<Incident>(model, sql);
        var timers = new Shape<CaseTimer>(model, sql);
        var suspensions = new Shape<Suspension>(model, sql);
        var orders = new Shape<SupervisionOrder>(model, sql);
        _caseIdMapping = cases.Mapping(nameof(Case.Id));

        // By case id, or by a work item's id: then each statement finds the case id through the work item's primary
        // key (a subquery, so both forms are one round trip).
        _sql = Statements(sql.GenerateParameterNamePlaceholder(CaseIdParameter));
        _sqlOfWorkItem = Statements(
            $"(SELECT {workItems.Column(nameof(WorkItem.CaseId))} FROM {workItems.Table} WHERE {workItems.Column(nameof(WorkItem.Id))} = " +
            $"{sql.GenerateParameterNamePlaceholder(WorkItemIdParameter)})");

        string Statements(string placeholder) => string.Join("\n",
            cases.Select($"{cases.Column(nameof(Case.Id))} = {placeholder}", orderBy: null),
            tokens.Select(
                $"{tokens.Column(nameof(Token.CaseId))} = {placeholder} AND {tokens.In(nameof(Token.Status), LiveTokenStatuses)}",
                $"{tokens.Column(nameof(Token.CreatedAt))}, {tokens.Column(nameof(Token.Id))}"),
            workItems.Select(
                $"{workItems.Column(nameof(WorkItem.CaseId))} = {placeholder} AND {workItems.In(nameof(WorkItem.Status), OpenWorkItemStatuses)}",
                $"{workItems.Column(nameof(WorkItem.CreatedAt))}, {workItems.Column(nameof(WorkItem.Id))}"),
            visits.Select(
                $"{visits.Column(nameof(NodeVisit.CaseId))} = {placeholder} AND {visits.Column(nameof(NodeVisit.LeftAt))} IS NULL",
                $"{visits.Column(nameof(NodeVisit.EnteredAt))}, {visits.Column(nameof(NodeVisit.Id))}"),
            incidents.Select(
                $"{incidents.Column(nameof(Incident.CaseId))} = {placeholder} AND {incidents.Column(nameof(Incident.ResolvedAt))} IS NULL",
                $"{incidents.Column(nameof(Incident.CreatedAt))}, {incidents.Column(nameof(Incident.Id))}"),
            timers.Select(
                $"{timers.Column(nameof(CaseTimer.CaseId))} = {placeholder} AND {timers.In(nameof(CaseTimer.Status), PendingTimerStatuses)}",
                $"{timers.Column(nameof(CaseTimer.DueAt))}, {timers.Column(nameof(CaseTimer.Id))}"),
            suspensions.Select(
                $"{suspensions.Column(nameof(Suspension.CaseId))} = {placeholder} AND {suspensions.Column(nameof(Suspension.EndedAt))} IS NULL",
                $"{suspensions.Column(nameof(Suspension.StartedAt))}, {suspensions.Column(nameof(Suspension.Id))}"),
            orders.Select(
                $"{orders.Column(nameof(SupervisionOrder.CaseId))} = {placeholder} AND {orders.In(nameof(SupervisionOrder.Status), OpenOrderStatuses)}",
                $"{orders.Column(nameof(SupervisionOrder.IssuedAt))}, {orders.Column(nameof(SupervisionOrder.Id))}"));


        _readCase = cases.Reader;
        _readToken = tokens.Reader;
        _readWorkItem = workItems.Reader;
        _readVisit = visits.Reader;
        _readIncident = incidents.Reader;
        _readTimer = timers.Reader;
        _readSuspension = suspensions.Reader;
        _readOrder = orders.Reader;
    }

    // Which statuses count as live or open is the engine's call (Token.IsLive, WorkItem.IsOpen), asked per value.
    private static TokenStatus[] LiveTokenStatuses => Enum.GetValues<TokenStatus>().Where(s => new Token { Status = s }.IsLive).ToArray();

    private static WorkItemStatus[] OpenWorkItemStatuses =>
        Enum.GetValues<WorkItemStatus>().Where(s => new WorkItem { Status = s }.IsOpen).ToArray();

    // What the port calls pending (IEngineSession.LoadCaseAsync); the engine has no predicate for it.
    private static TimerStatus[] PendingTimerStatuses => [TimerStatus.Pending];

    private static SupervisionStatus[] OpenOrderStatuses =>
        Enum.GetValues<SupervisionStatus>().Where(s => new SupervisionOrder { Status = s }.IsOpen).ToArray();

    /// <summary>The statements, for tests and diagnostics.</summary>
    public string Sql => _sql;

    public Task<CaseSnapshot?> LoadAsync(BpmDbContext context, Guid caseId, CancellationToken cancellationToken) =>
        LoadAsync(context, _sql, _parameterName, caseId, cancellationToken);

    /// <summary>The case of a work item in any state; null when there is no such work item.</summary>
    public Task<CaseSnapshot?> LoadOfWorkItemAsync(BpmDbContext context, Guid workItemId, CancellationToken cancellationToken) =>
        LoadAsync(context, _sqlOfWorkItem, _workItemParameterName, workItemId, cancellationToken);

    private async Task<CaseSnapshot?> LoadAsync(BpmDbContext context, string sql, string parameterName, Guid id, CancellationToken cancellationToken)
    {
        Case @case;
        List<Token> tokens;
        List<WorkItem> workItems;
        List<NodeVisit> visits;
        List<Incident> incidents;
        List<CaseTimer> timers;
        List<Suspension> suspensions;
        List<SupervisionOrder> orders;

        var database = context.Database;
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = database.CurrentTransaction?.GetDbTransaction();
            if (database.GetCommandTimeout() is { } timeout)
            {
                command.CommandTimeout = timeout;
            }
            command.Parameters.Add(_caseIdMapping.CreateParameter(command, parameterName, id, nullable: false));

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            @case = _readCase(reader);
            tokens = await NextAsync(reader, _readToken, cancellationToken);
            workItems = await NextAsync(reader, _readWorkItem, cancellationToken);
            visits = await NextAsync(reader, _readVisit, cancellationToken);
            incidents = await NextAsync(reader, _readIncident, cancellationToken);
            timers = await NextAsync(reader, _readTimer, cancellationToken);
            suspensions = await NextAsync(reader, _readSuspension, cancellationToken);
            orders = await NextAsync(reader, _readOrder, cancellationToken);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }

        return new CaseSnapshot(
            Track(context, [@case], c => c.Id)[0],
            Track(context, tokens, t => t.Id),
            Track(context, workItems, w => w.Id),
            Track(context, visits, v => v.Id),
            Track(context, incidents, i => i.Id),
            Track(context, timers, t => t.Id),
            Track(context, suspensions, s => s.Id),
            Track(context, orders, o => o.Id));
    }

    private static async Task<List<T>> NextAsync<T>(DbDataReader reader, Func<DbDataReader, T> read, CancellationToken ct)
    {
        if (!await reader.NextResultAsync(ct))
        {
            throw new InvalidOperationException("the case query returned fewer result sets than it has statements");
        }
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    /// <summary>
    /// Starts tracking the rows as unchanged, like a tracking query: a row whose entity the context already
    /// tracks (loaded earlier in this session) yields that instance, unchanged by what was read.
    /// </summary>
    private static List<T> Track<T>(DbContext context, List<T> rows, Func<T, Guid> key) where T : class
    {
        if (rows.Count == 0)
        {
            return rows;
        }
        Dictionary<Guid, T>? tracked = null;
        foreach (var entry in context.ChangeTracker.Entries<T>())
        {
            (tracked ??= [])[key(entry.Entity)] = entry.Entity;
        }
        for (var i = 0; i < rows.Count; i++)
        {
            if (tracked is not null && tracked.TryGetValue(key(rows[i]), out var existing))
            {
                rows[i] = existing;
            }
            else
            {
                context.Entry(rows[i]).State = EntityState.Unchanged;
            }
        }
        return rows;
    }

    /// <summary>One entity type's table, columns in model order, and a compiled row reader.</summary>
    private sealed class Shape<T> where T : class, new()
    {
        private static readonly MethodInfo IsDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;

        private readonly IEntityType _type;
        private readonly ISqlGenerationHelper _sql;
        private readonly IReadOnlyList<IProperty> _properties;

        public Shape(IModel model, ISqlGenerationHelper sql)
        {
            _type = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped");
            _sql = sql;
            _properties = _type.GetProperties().ToList();
            Reader = CompileReader();
        }

        public Func<DbDataReader, T> Reader { get; }

        public string Column(string property) => _sql.DelimitIdentifier(Property(property).GetColumnName());

        public RelationalTypeMapping Mapping(string property) => (RelationalTypeMapping)Property(property).GetRelationalTypeMapping();

        /// <summary><c>"status" IN ('Active', 'Waiting')</c>, the literals written by the property's own mapping.</summary>
        public string In<TValue>(string property, IReadOnlyCollection<TValue> values)
        {
            var mapping = Mapping(property);
            return $"{Column(property)} IN ({string.Join(", ", values.Select(v => mapping.GenerateSqlLiteral(v)))})";
        }

        public string Table => _sql.DelimitIdentifier(_type.GetTableName()!, _type.GetSchema());

        public string Select(string where, string? orderBy)
        {
            var columns = string.Join(", ", _properties.Select(p => _sql.DelimitIdentifier(p.GetColumnName())));
            var order = orderBy is null ? "" : $" ORDER BY {orderBy}";
            return $"SELECT {columns} FROM {Table} WHERE {where}{order};";
        }

        private IProperty Property(string name) =>
            _type.FindProperty(name) ?? throw new InvalidOperationException($"{typeof(T).Name}.{name} is not mapped");

        /// <summary>
        /// <c>reader => new T { P0 = read(0), P1 = read(1), … }</c> where each read is what EF's own materializer
        /// does: the mapping's reader method, its customisation, the value converter, and a null check.
        /// </summary>
        private Func<DbDataReader, T> CompileReader()
        {
            var reader = Expression.Parameter(typeof(DbDataReader), "reader");
            var bindings = new List<MemberBinding>(_properties.Count);
            for (var ordinal = 0; ordinal < _properties.Count; ordinal++)
            {
                var property = _properties[ordinal];
                var mapping = (RelationalTypeMapping)property.GetRelationalTypeMapping();
                var method = mapping.GetDataReaderMethod();
                Expression instance = method.DeclaringType!.IsAssignableFrom(typeof(DbDataReader))
                    ? reader
                    : Expression.Convert(reader, method.DeclaringType);
                var index = Expression.Constant(ordinal);
                Expression value = mapping.CustomizeDataReaderExpression(Expression.Call(instance, method, index));
                if (mapping.Converter is { } converter)
                {
                    if (value.Type != converter.ProviderClrType)
                    {
                        value = Expression.Convert(value, converter.ProviderClrType);
                    }
                    value = Expression.Invoke(converter.ConvertFromProviderExpression, value);
                }
                var target = property.ClrType;
                if (value.Type != target)
                {
                    value = Expression.Convert(value, target);
                }
                if (property.IsNullable)
                {
                    value = Expression.Condition(Expression.Call(reader, IsDbNull, index), Expression.Default(target), value);
                }
                var member = property.PropertyInfo
                             ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} has no CLR property");
                bindings.Add(Expression.Bind(member, value));
            }
            var body = Expression.MemberInit(Expression.New(typeof(T)), bindings);
            return Expression.Lambda<Func<DbDataReader, T>>(body, reader).Compile();
        }
    }
}

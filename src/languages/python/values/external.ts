/**
 * Calls of library callables. A class gives an instance (no `__name__`: argname + index), except
 * the classes whose instances have an id of their own (enum members, str subclasses, type
 * variables, modules). A lower-case callable gives an instance only where that is certain; any
 * other library call may return a str, number or function, so it stays unknown.
 */
import type { Expr } from '../ast.js';
import { dedent } from './format.js';
import { fail, type CallEvaluator, type Env, type PyValue } from './types.js';

/** Library classes that are enums: calling one gives a member, whose id is not argname + index. */
const LIBRARY_ENUMS = /^(http\.(HTTPStatus|HTTPMethod)|signal\.(Signals|Handlers|Sigmasks)|socket\.(AddressFamily|SocketKind|AddressInfo|MsgFlag)|re\.RegexFlag|ssl\.(TLSVersion|Options|VerifyMode|VerifyFlags|Purpose|AlertDescription|SSLErrorNumber)|inspect\._ParameterKind|uuid\.SafeUUID|enum\.\w+|plistlib\.PlistFormat|pstats\.SortKey|tkinter\.EventType)$/;

/** Library classes whose instances are str, bytes or numbers (their id is the value). */
const LIBRARY_PRIMITIVES = /^(markupsafe\.Markup|jinja2\.Markup|flask\.Markup|numpy\.(float64|float32|float16|double|single|half|longdouble|complex128|complex64|str_|bytes_|bool_|int_|intc)|sqlalchemy\.\w*quoted_name|enum\.StrEnum|collections\.UserString|email\.header\.Header)$/;

/** Library calls whose result has a `__name__`: the first argument when it is a literal name. */
const NAME_MAKERS = /^(typing|typing_extensions)\.(TypeVar|NewType|ParamSpec|TypeVarTuple|NamedTuple|TypedDict|TypeAliasType)$|^types\.(ModuleType|new_class)$|^collections\.namedtuple$|^dataclasses\.make_dataclass$|^enum\.(Enum|IntEnum|Flag|IntFlag|StrEnum)$/;

/** Library decorators that give back the class they are applied to. */
const CLASS_DECORATORS = /^(functools\.total_ordering|dataclasses\.dataclass|attr\.(s|attrs|define|frozen|mutable)|attrs\.(define|frozen|mutable)|typing\.(final|runtime_checkable)|typing_extensions\.(final|runtime_checkable)|enum\.unique)$/;

/**
 * Lower-case library callables known to return objects without an id: instances of classes
 * spelled in lower case, constructors and parsers of such objects.
 */
const INSTANCE_MAKERS = new RegExp(
  '^(' +
    [
      'datetime\\.(date|datetime|time|timedelta|timezone)',
      'datetime\\.(date|datetime)\\.(today|now|utcnow|fromtimestamp|utcfromtimestamp|fromisoformat|fromordinal|strptime|combine|fromisocalendar)',
      'decimal\\.(localcontext|getcontext)',
      'uuid\\.(uuid1|uuid3|uuid4|uuid5)',
      'collections\\.(deque|defaultdict)',
      'functools\\.(partial|partialmethod)',
      'array\\.array',
      'ipaddress\\.(ip_address|ip_network|ip_interface)',
      'weakref\\.ref',
      'threading\\.(local|current_thread|main_thread)',
      'logging\\.getLogger',
      'io\\.open',
      'tempfile\\.(NamedTemporaryFile|TemporaryFile|SpooledTemporaryFile|TemporaryDirectory)',
      'socket\\.(socket|socketpair|create_connection)',
      'ssl\\.create_default_context',
      'sqlite3\\.connect',
      'contextlib\\.(nullcontext|suppress|closing|redirect_stdout|redirect_stderr|chdir)',
      'operator\\.(itemgetter|attrgetter|methodcaller)',
      'urllib\\.parse\\.(urlparse|urlsplit|parse_qs|parse_qsl)',
      'email\\.(message_from_string|message_from_bytes)',
      'xml\\.etree\\.ElementTree\\.(fromstring|parse)',
      '(unittest\\.mock|mock)\\.(patch|call|mock_open|patch\\.object|patch\\.dict|patch\\.multiple)',
      '(numpy|np)\\.(array|asarray|zeros|ones|empty|full|arange|linspace|eye|identity|zeros_like|ones_like|empty_like|full_like|matrix|ndarray|datetime64|timedelta64)',
      '(numpy|np)\\.random\\.default_rng',
      '(pandas|pd)\\.(date_range|to_datetime|to_timedelta|array|period_range|timedelta_range|interval_range)',
      'torch\\.(tensor|zeros|ones|empty|full|arange|linspace|eye|randn|rand|device)',
      'sys\\.exc_info',
      'pathlib\\.(Pure)?(Posix|Windows)?Path\\.(cwd|home)',
    ].join('|') +
    ')$',
);

export function externalCall(ev: CallEvaluator, module: string, name: string, e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): PyValue {
  const full = name ? `${module}.${name}` : module;
  const args = () => ev.evalArgs(e.args, file, env);
  if (full === 'textwrap.dedent') {
    const [v] = args();
    return v?.k === 'str' ? { k: 'str', v: dedent(v.v) } : fail('textwrap.dedent() of a computed value');
  }
  if (full === 'unicodedata.normalize') {
    const [form, v] = args();
    if (form?.k === 'str' && /^NFK?[CD]$/.test(form.v) && v?.k === 'str' && /^[\x00-\x7f]*$/.test(v.v)) return v;
    return { k: 'unknown', reason: 'unicodedata.normalize() of non-ASCII text' };
  }
  if (full === 'copy.copy' || full === 'copy.deepcopy') {
    const [v] = args();
    if (v && (v.k === 'str' || v.k === 'int' || v.k === 'float' || v.k === 'bool' || v.k === 'none' || v.k === 'bytes' || v.k === 'seq' || v.k === 'dict' || v.k === 'object')) return v;
    return { k: 'unknown', reason: `${full}() of a computed value` };
  }
  if (full === 'typing.cast' || full === 'typing_extensions.cast') return ev.evaluate(e.args[1] ?? fail('cast'), file, env);
  if (NAME_MAKERS.test(full)) {
    const first = e.args[0] ? ev.lenient(e.args[0], file, env) : e.kwargs.name ? ev.lenient(e.kwargs.name, file, env) : e.kwargs.typename ? ev.lenient(e.kwargs.typename, file, env) : e.kwargs.cls_name ? ev.lenient(e.kwargs.cls_name, file, env) : undefined;
    if (first?.k !== 'str') return { k: 'unknown', reason: `${full}() of a computed name` };
    const isClass = !/ModuleType|TypeVar|NewType|ParamSpec|TypeVarTuple|TypeAliasType|^enum\./.test(full);
    return isClass ? { k: 'named', name: first.v, fn: { kind: 'madeclass', bases: [], members: [] } } : { k: 'named', name: first.v };
  }
  if (CLASS_DECORATORS.test(full) && e.args.length === 1 && !Object.keys(e.kwargs).length) {
    const v = ev.lenient(e.args[0]!, file, env);
    if (v.k === 'named' && (v.fn?.kind === 'class' || v.fn?.kind === 'madeclass')) return v;
    return { k: 'unknown', reason: `${full}() of a computed value` };
  }
  if (LIBRARY_ENUMS.test(full)) return { k: 'unknown', reason: `${full}() is an enum member` };
  if (LIBRARY_PRIMITIVES.test(full)) return { k: 'unknown', reason: `${full}() is a str or number` };
  // A class gives an instance (no id: argname + index).
  if (/^[A-Z]/.test(name)) return { k: 'object', what: `${name}()` };
  if (INSTANCE_MAKERS.test(full)) return { k: 'object', what: `${full}()` };
  return { k: 'unknown', reason: `${full}() is evaluated at run time` };
}

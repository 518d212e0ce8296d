// The mocha globals web-test-runner provides, typed just enough for our tests (@types/mocha is not a
// dependency of this repository).
type MochaContext = { timeout(ms: number): void; skip(): never };
type MochaBody = (this: MochaContext) => unknown;

declare function describe(title: string, body: () => unknown): void;
declare function it(title: string, body: MochaBody): void;
declare function before(body: MochaBody): void;
declare function after(body: MochaBody): void;
declare function beforeEach(body: MochaBody): void;
declare function afterEach(body: MochaBody): void;

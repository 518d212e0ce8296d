export { createApp, createServices, handlers } from './app.js';
export { type Config, loadConfig } from './config.js';
export { type Database, openDatabase } from './db/index.js';
export { createLogger } from './logger.js';
export { seedDemo } from './seed/demo.js';
export { type RunningServer, startServer } from './server.js';
export { createOrganization } from './services/organizations.js';

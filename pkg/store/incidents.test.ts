import { describeIncidentRepoContract } from '../../tests/helpers/incidentRepoContract';
import { SqliteStore } from './sqlite';

describeIncidentRepoContract('SQLite', () => SqliteStore.open());

import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { VigilDataSource } from './datasource';
import type { VigilDataSourceOptions, VigilQuery, VigilSecureJsonData } from '../types';

export const plugin = new DataSourcePlugin<VigilDataSource, VigilQuery, VigilDataSourceOptions, VigilSecureJsonData>(
  VigilDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor)
  .setVariableQueryEditor(VariableQueryEditor);

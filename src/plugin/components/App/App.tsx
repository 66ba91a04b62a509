import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { type AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';
import { type AppJsonData } from '../../types';

const Overview = React.lazy(() => import('../../pages/Overview'));

function App(props: AppRootProps<AppJsonData>) {
  return (
    <Routes>
      <Route path={ROUTES.Overview} element={<Overview meta={props.meta} />} />
      {/* Default page */}
      <Route path="*" element={<Overview meta={props.meta} />} />
    </Routes>
  );
}

export default App;
